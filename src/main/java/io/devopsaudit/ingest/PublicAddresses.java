/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.indicators.Cidr;
import org.opensearch.common.network.InetAddresses;

import java.util.List;

/**
 * Which addresses an address database such as GeoLite2 can place: every address outside IANA's special-purpose
 * ranges that are not globally reachable (RFC 6890 and its updates). The shipped pipeline looks up only these; for
 * any other address OpenSearch's {@code geoip} processor throws and catches an "address not found" on every event
 * without caching it, to add nothing.
 *
 * <p>Ranges the GeoLite2 databases answer through an IPv4 alias stay public: {@code ::/96} apart from {@code ::}
 * and {@code ::1} (IPv4-compatible), 6to4 {@code 2002::/16} and Teredo {@code 2001::/32}; so do NAT64
 * {@code 64:ff9b::/96} and the deprecated 6to4 relay anycast {@code 192.88.99.0/24}, which some providers route.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) are judged by their IPv4 address, as geoip looks them up.
 */
public final class PublicAddresses {
    private PublicAddresses() {}

    /** The address ranges no lookup can place, in the order of IANA's registry. */
    static final List<Cidr> NOT_PUBLIC = List.of(
            // IPv4
            Cidr.parse("0.0.0.0/8"), // "this network"
            Cidr.parse("10.0.0.0/8"), // private (RFC 1918)
            Cidr.parse("100.64.0.0/10"), // shared address space, carrier-grade NAT (RFC 6598)
            Cidr.parse("127.0.0.0/8"), // loopback
            Cidr.parse("169.254.0.0/16"), // link-local
            Cidr.parse("172.16.0.0/12"), // private (RFC 1918)
            Cidr.parse("192.0.0.0/24"), // IETF protocol assignments
            Cidr.parse("192.0.2.0/24"), // documentation (TEST-NET-1)
            Cidr.parse("192.168.0.0/16"), // private (RFC 1918)
            Cidr.parse("198.18.0.0/15"), // benchmarking (RFC 2544)
            Cidr.parse("198.51.100.0/24"), // documentation (TEST-NET-2)
            Cidr.parse("203.0.113.0/24"), // documentation (TEST-NET-3)
            Cidr.parse("224.0.0.0/4"), // multicast
            Cidr.parse("240.0.0.0/4"), // reserved, and the limited broadcast 255.255.255.255
            // IPv6
            Cidr.parse("::/128"), // unspecified
            Cidr.parse("::1/128"), // loopback
            Cidr.parse("100::/64"), // discard-only (RFC 6666)
            Cidr.parse("2001:2::/48"), // benchmarking (RFC 5180)
            Cidr.parse("2001:10::/28"), // ORCHID, deprecated
            Cidr.parse("2001:20::/28"), // ORCHIDv2
            Cidr.parse("2001:db8::/32"), // documentation (RFC 3849)
            Cidr.parse("3fff::/20"), // documentation (RFC 9637)
            Cidr.parse("fc00::/7"), // unique local (RFC 4193), the IPv6 private range
            Cidr.parse("fe80::/10"), // link-local
            Cidr.parse("fec0::/10"), // site-local, deprecated
            Cidr.parse("ff00::/8")); // multicast

    /** Whether {@code ip} (an IPv4 or IPv6 address literal) is a public address; {@code false} when it is no address. */
    public static boolean isPublic(String ip) {
        if (ip == null) return false;
        byte[] bytes;
        try {
            bytes = InetAddresses.forString(ip).getAddress();
        } catch (IllegalArgumentException e) {
            return false; // not an address; the processor never puts one into source.ip
        }
        for (Cidr range : NOT_PUBLIC) {
            if (range.contains(bytes)) return false;
        }
        return true;
    }
}
