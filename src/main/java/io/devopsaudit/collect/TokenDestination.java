/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import org.opensearch.common.network.InetAddresses;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Where a collector's keystore token may be sent. A token goes only to the origin (scheme, host and port) it is bound
 * to: the one set beside it in the keystore ({@code devops_audit.collector.<name>.host}), else the one it was first
 * sent to (kept in the state index with a digest of the token, so a replaced token starts a new binding). Plain
 * {@code http://} carries the token in clear text, so it is allowed only to a loopback address. The checks read no
 * DNS: a name is loopback only when it is {@code localhost}.
 */
public final class TokenDestination {
    private TokenDestination() {}

    /** {@code scheme://host:port} in lower case, with the scheme's default port when the URL has none. */
    public static String origin(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("[url] is not a URL: [" + url + "]", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || (scheme.equals("http") || scheme.equals("https")) == false) {
            throw new IllegalArgumentException("[url] must be an http(s) address with a host, found [" + url + "]");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** Whether a URL's host is a loopback address: 127.0.0.0/8, ::1 or {@code localhost}. */
    public static boolean loopback(String url) {
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException e) {
            return false;
        }
        if (host == null) return false;
        host = host.toLowerCase(Locale.ROOT);
        if (host.equals("localhost")) return true;
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (InetAddresses.isInetAddress(host) == false) return false;
        InetAddress address = InetAddresses.forString(host);
        return address.isLoopbackAddress();
    }

    /**
     * Refuses plain {@code http://} to anything but loopback: the token would cross the network in clear text.
     * @throws IllegalArgumentException naming {@code [url]}
     */
    public static void requireSecureTransport(String url) {
        if (url.regionMatches(true, 0, "http://", 0, 7) && loopback(url) == false) {
            throw new IllegalArgumentException("[url] plain http:// would send the collector's token in clear text: it "
                    + "is allowed only to a loopback address (127.0.0.0/8, ::1, localhost); use https://, found ["
                    + url + "]");
        }
    }

    /** Hex SHA-256 of a token: tells whether the keystore token was replaced, without keeping the token. */
    public static String digest(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
