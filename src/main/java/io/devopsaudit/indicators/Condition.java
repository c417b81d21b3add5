/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.schema.Fields;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One test of a rule's {@code match} against a normalized record. Conditions read fields by their dotted names
 * (including the vendor originals under {@code gitlab.audit.*} / {@code circleci.audit.*}); a list field matches
 * when any of its values does. Text comparisons ignore case.
 */
@FunctionalInterface
interface Condition {

    boolean test(RecordBuilder record, SitePolicy policy);

    /**
     * The values of a dotted field: empty when absent, each element of a list, scalars as text. Schema fields come from
     * the builder's flat index; paths inside the vendor originals ({@code gitlab.audit.details.expires_at}) are walked.
     */
    static List<String> values(RecordBuilder record, String dotted) {
        Object node = record.get(dotted);
        if (node == null
                && (dotted.startsWith(Fields.GITLAB_AUDIT + ".") || dotted.startsWith(Fields.CIRCLECI_AUDIT + "."))) {
            node = resolve(record.build(), dotted);
        }
        if (node == null || node instanceof Map) {
            return List.of();
        }
        if (node instanceof Collection<?> c) {
            List<String> out = new ArrayList<>(c.size());
            for (Object o : c) {
                if (o != null && o instanceof Map == false) out.add(o.toString());
            }
            return out;
        }
        // most fields hold one value: one small immutable list per condition read
        return List.of(node.toString());
    }

    private static Object resolve(Object root, String dotted) {
        Object node = root;
        int start = 0;
        while (node instanceof Map<?, ?>) {
            Map<?, ?> m = (Map<?, ?>) node;
            // a vendor key may itself contain dots ("meta.remote_ip"): try the whole remainder first
            Object whole = m.get(dotted.substring(start));
            if (whole != null) {
                return whole;
            }
            int dot = dotted.indexOf('.', start);
            if (dot < 0) {
                return null;
            }
            node = m.get(dotted.substring(start, dot));
            start = dot + 1;
        }
        return null;
    }

    static Set<String> lower(Collection<?> values) {
        return values.stream().map(v -> v.toString().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    static Condition in(String field, Collection<?> accepted, boolean negate) {
        Set<String> set = lower(accepted);
        return (r, p) -> {
            boolean any = false;
            for (String v : values(r, field)) {
                if (set.contains(v.toLowerCase(Locale.ROOT))) {
                    any = true;
                    break;
                }
            }
            return negate ? any == false : any;
        };
    }

    /** Any group holds when all its conditions do. Plain loops: rules run on every event (streams showed in the profile). */
    static Condition anyOf(List<List<Condition>> groups) {
        return (r, p) -> {
            for (List<Condition> group : groups) {
                boolean all = true;
                for (Condition c : group) {
                    if (c.test(r, p) == false) {
                        all = false;
                        break;
                    }
                }
                if (all) return true;
            }
            return false;
        };
    }

    static Condition exists(String field, boolean negate) {
        return (r, p) -> values(r, field).isEmpty() == negate;
    }

    static Condition containsAny(String field, Collection<?> needles) {
        Set<String> set = lower(needles);
        return (r, p) -> {
            for (String v : values(r, field)) {
                String lower = v.toLowerCase(Locale.ROOT);
                for (String needle : set) {
                    if (lower.contains(needle)) return true;
                }
            }
            return false;
        };
    }

    /** Like {@link #containsAny}, but a needle counts only as a whole word: "prod" is in "acme-prod" and "prod_db",
     * not in "product", "nonprod" or "preprod". Words are runs of letters and digits. */
    static Condition containsWord(String field, Collection<?> words) {
        Set<String> set = lower(words);
        return (r, p) -> {
            for (String v : values(r, field)) {
                String lower = v.toLowerCase(Locale.ROOT);
                for (String word : set) {
                    int at = lower.indexOf(word);
                    while (at >= 0) {
                        int end = at + word.length();
                        boolean startsWord = at == 0 || Character.isLetterOrDigit(lower.charAt(at - 1)) == false;
                        boolean endsWord =
                                end == lower.length() || Character.isLetterOrDigit(lower.charAt(end)) == false;
                        if (startsWord && endsWord) return true;
                        at = lower.indexOf(word, at + 1);
                    }
                }
            }
            return false;
        };
    }

    /**
     * Compares two fields of the same record: {@code lt_field} holds when both are numbers and the first is smaller
     * (a required approval count lowered), {@code differs} when their first values differ, ignoring case (absent
     * counts as a value of its own), so a role "change" to the same role is not a change.
     */
    static Condition fieldPair(String field, String other, String op) {
        return (r, p) -> {
            List<String> a = values(r, field);
            List<String> b = values(r, other);
            if (op.equals("differs")) {
                String x = a.isEmpty() ? null : a.get(0).toLowerCase(Locale.ROOT);
                String y = b.isEmpty() ? null : b.get(0).toLowerCase(Locale.ROOT);
                return x == null ? y != null : x.equals(y) == false;
            }
            if (a.isEmpty() || b.isEmpty()) return false;
            try {
                return Double.parseDouble(a.get(0)) < Double.parseDouble(b.get(0));
            } catch (NumberFormatException e) {
                return false;
            }
        };
    }

    static Condition compare(String field, String op, double bound) {
        return (r, p) -> values(r, field).stream().anyMatch(v -> {
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return false;
            }
            return switch (op) {
                case "gt" -> d > bound;
                case "gte" -> d >= bound;
                case "lt" -> d < bound;
                default -> d <= bound;
            };
        });
    }

    static Condition cidr(String field, List<Cidr> networks, boolean negate) {
        return (r, p) -> {
            List<String> ips = values(r, field);
            if (ips.isEmpty()) return false;
            boolean inside = false;
            for (String ip : ips) {
                for (Cidr n : networks) {
                    inside |= n.contains(ip);
                }
            }
            return negate ? inside == false : inside;
        };
    }

    /** A field holding a JSON list (as text or as a list) with more than {@code size} entries. */
    static Condition listSizeGt(String field, int size) {
        return (r, p) -> {
            List<String> vals = values(r, field);
            if (vals.size() > size) return true;
            for (String v : vals) {
                String t = v.trim();
                if (t.startsWith("[")) {
                    try {
                        Object parsed = JsonText.parse("rule", field, t);
                        if (parsed instanceof List<?> l && l.size() > size) return true;
                    } catch (AuditParseException e) {
                        return false;
                    }
                }
            }
            return false;
        };
    }

    static Condition privilegedRole(String field, boolean negate) {
        return (r, p) -> {
            for (String v : values(r, field)) {
                if (p.isPrivileged(v)) return negate == false;
            }
            return negate;
        };
    }

    static Condition outsideTrustedNetworks(String field) {
        return (r, p) -> {
            for (String v : values(r, field)) {
                if (p.isOutsideTrustedNetworks(v)) return true;
            }
            return false;
        };
    }
}
