/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import org.opensearch.common.network.InetAddresses;

import java.net.InetAddress;

/** An IPv4 or IPv6 network in CIDR notation; a plain address is a /32 or /128. */
public final class Cidr {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the value when it is not a CIDR or address */
    public static Cidr parse(String text) {
        String t = text.trim();
        try {
            int slash = t.indexOf('/');
            InetAddress address = InetAddresses.forString(slash < 0 ? t : t.substring(0, slash));
            byte[] bytes = address.getAddress();
            int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("prefix out of range");
            }
            return new Cidr(bytes, prefix, t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "[" + text + "] is not a CIDR network (like 192.0.2.0/24) or an IP address", e);
        }
    }

    public boolean contains(String ip) {
        if (ip == null || InetAddresses.isInetAddress(ip) == false) {
            return false;
        }
        return contains(InetAddresses.forString(ip).getAddress());
    }

    /** Whether the address, as {@link InetAddress#getAddress()} bytes (4 or 16), lies in this network. */
    public boolean contains(byte[] bytes) {
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) return false;
        }
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
