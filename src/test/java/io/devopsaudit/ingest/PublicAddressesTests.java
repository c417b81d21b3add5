/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import org.opensearch.test.OpenSearchTestCase;

import java.util.List;

/** Which addresses the shipped pipeline looks up: one test per class of address, IPv4 and IPv6, with its edges. */
public class PublicAddressesTests extends OpenSearchTestCase {

    private static void assertPublic(String... ips) {
        for (String ip : ips) assertTrue(ip + " is public", PublicAddresses.isPublic(ip));
    }

    private static void assertNotPublic(String... ips) {
        for (String ip : ips) assertFalse(ip + " is not public", PublicAddresses.isPublic(ip));
    }

    public void testPublicAddressesAreLookedUp() {
        // the addresses OpenSearch's own geoip tests place (Sweden, United Kingdom) and other routed ones
        assertPublic("89.160.20.128", "81.2.69.142", "8.8.8.8", "1.1.1.1", "223.255.255.255");
        assertPublic("2a02:cf40::1", "2001:4860:4860::8888", "2600::1");
    }

    public void testPrivateRanges() {
        assertNotPublic("10.0.0.0", "10.1.2.3", "10.255.255.255");
        assertNotPublic("172.16.0.0", "172.20.1.1", "172.31.255.255");
        assertNotPublic("192.168.0.1", "192.168.255.255");
        assertPublic("9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0");
        // IPv6 unique local addresses, fc00::/7
        assertNotPublic("fc00::1", "fd00::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assertPublic("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::1");
    }

    public void testLoopbackAndUnspecified() {
        assertNotPublic("127.0.0.1", "127.255.255.255", "0.0.0.0", "0.1.2.3", "::1", "::");
        assertPublic("126.255.255.255", "1.0.0.0", "::2");
    }

    public void testLinkLocal() {
        assertNotPublic("169.254.0.1", "169.254.255.255", "fe80::1", "febf:ffff::1");
        assertPublic("169.253.255.255", "169.255.0.0");
        // site-local, deprecated but never routed
        assertNotPublic("fec0::1", "feff::1");
    }

    public void testCarrierGradeNat() {
        assertNotPublic("100.64.0.0", "100.100.100.100", "100.127.255.255");
        assertPublic("100.63.255.255", "100.128.0.0");
    }

    public void testMulticastAndBroadcast() {
        assertNotPublic("224.0.0.1", "239.255.255.250", "ff02::1", "ff05::1:3");
        assertNotPublic("255.255.255.255");
    }

    public void testDocumentationRanges() {
        assertNotPublic("192.0.2.1", "198.51.100.7", "203.0.113.254", "2001:db8::1", "2001:db8:ffff::1", "3fff::1");
        assertPublic("192.0.3.0", "198.51.101.0", "203.0.114.0", "2001:db9::1", "3fff:1000::1");
    }

    public void testBenchmarkingRanges() {
        assertNotPublic("198.18.0.1", "198.19.255.255", "2001:2::1", "2001:2:0:ffff::1");
        assertPublic("198.17.255.255", "198.20.0.0", "2001:3::1");
    }

    public void testOtherReservedRanges() {
        assertNotPublic("240.0.0.1", "250.1.2.3", "192.0.0.8", "100::1", "2001:10::1", "2001:20::1");
    }

    public void testIpv4MappedAddressesAreJudgedByTheirIpv4Address() {
        // geoip looks ::ffff:a.b.c.d up as a.b.c.d
        assertPublic("::ffff:89.160.20.128");
        assertNotPublic("::ffff:10.1.2.3", "::ffff:127.0.0.1", "::ffff:192.0.2.1");
    }

    public void testRangesTheDatabasesAnswerThroughAnIpv4AliasStayPublic() {
        // 6to4 and Teredo: GeoLite2 aliases them to IPv4 space, so a lookup can find them
        assertPublic("2002:59a0:1480::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "64:ff9b::5aa0:1480");
    }

    public void testNoAddressIsNeverPublic() {
        for (String text : List.of("", "not-an-ip", "999.1.2.3", "10.0.0", "::g")) {
            assertNotPublic(text);
        }
        assertFalse(PublicAddresses.isPublic(null));
    }
}
