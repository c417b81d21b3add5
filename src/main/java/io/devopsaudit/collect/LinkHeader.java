/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code rel="next"} target of an RFC 8288 {@code Link} header, as GitLab sends it for offset and keyset
 * pagination alike: {@code <https://gitlab.example.com/api/v4/...&page=2>; rel="next", <...>; rel="first"}. The JDK
 * has no parser for it; this reads only what GitLab writes (a URI in angle brackets, then {@code ;}-separated
 * parameters, where {@code rel} may list several space-separated relations, quoted or not).
 */
final class LinkHeader {
    private LinkHeader() {}

    private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,<]+)*)");
    private static final Pattern REL = Pattern.compile("(?i)\\brel\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;,\"]+))");

    /** The next page's URI among all {@code Link} header values, or {@code null} on the last page. */
    static String next(List<String> values) {
        for (String value : values) {
            Matcher link = LINK.matcher(value);
            while (link.find()) {
                Matcher rel = REL.matcher(link.group(2));
                while (rel.find()) {
                    String rels = rel.group(1) != null ? rel.group(1) : rel.group(2);
                    for (String r : rels.trim().split("\\s+")) {
                        if (r.equalsIgnoreCase("next")) return link.group(1).trim();
                    }
                }
            }
        }
        return null;
    }
}
