/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import io.devopsaudit.classify.GitlabMessages;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rows of GitLab's UI export ("Export as CSV"). The export has no event name and folds the details into the
 * human "Action" sentence, so the parser maps columns to the API's keys and reads the details back out of the
 * sentence: first against GitLab's own message templates ({@link GitlabMessages}), which give the event name the API
 * record carries, then by reversing the generic shapes GitLab's {@code Audit::Details.humanize} writes.
 */
public final class GitlabCsvParser implements EventParser {

    private final GitlabMessages messages;

    public GitlabCsvParser() {
        this(GitlabMessages.load());
    }

    GitlabCsvParser(GitlabMessages messages) {
        this.messages = messages;
    }

    /** Current export (AuditEvents::ExportCsvService). */
    public static final List<String> HEADER = List.of(
            "ID",
            "Author ID",
            "Author Name",
            "Author Email",
            "Entity ID",
            "Entity Type",
            "Entity Path",
            "Target ID",
            "Target Type",
            "Target Details",
            "Action",
            "IP Address",
            "Created At (UTC)");
    /** Older documented export: the same without Author Email. */
    public static final List<String> HEADER_WITHOUT_EMAIL =
            HEADER.stream().filter(c -> c.equals("Author Email") == false).toList();

    private static final Map<String, String> COLUMN_TO_KEY = Map.ofEntries(
            Map.entry("id", "id"),
            Map.entry("author id", "author_id"),
            Map.entry("author name", "author_name"),
            Map.entry("author email", "author_email"),
            Map.entry("entity id", "entity_id"),
            Map.entry("entity type", "entity_type"),
            Map.entry("entity path", "entity_path"),
            Map.entry("target id", "target_id"),
            Map.entry("target type", "target_type"),
            Map.entry("target details", "target_details"),
            Map.entry("ip address", "ip_address"),
            Map.entry("created at (utc)", "created_at"),
            Map.entry("action", "action"));

    /** The export's own column names, looked up as written before trying a case-insensitive match. */
    private static final Map<String, String> COLUMN_TO_KEY_EXACT = exactNames();

    private static Map<String, String> exactNames() {
        Map<String, String> m = new HashMap<>();
        for (String column : HEADER) {
            m.put(column, COLUMN_TO_KEY.get(column.toLowerCase(Locale.ROOT)));
        }
        return Map.copyOf(m);
    }

    /** Whether these cells are this export's header line. */
    static boolean isHeader(List<String> cells) {
        boolean createdAt = false, authorName = false, action = false;
        for (String c : cells) {
            String l = c.trim().toLowerCase(Locale.ROOT);
            createdAt |= l.equals("created at (utc)");
            authorName |= l.equals("author name");
            action |= l.equals("action");
        }
        return createdAt || (authorName && action);
    }

    /** Whether a record given without its header line has this export's shape (with or without the email column). */
    static boolean looksLikeRecord(List<String> record) {
        return record.size() == HEADER.size() || record.size() == HEADER_WITHOUT_EMAIL.size();
    }

    /** The header of a record given without one: older exports have no Author Email column. */
    static List<String> defaultHeader(int columns) {
        return columns == HEADER_WITHOUT_EMAIL.size() ? HEADER_WITHOUT_EMAIL : HEADER;
    }

    /** True when a row keyed by column names looks like this export. */
    public static boolean looksLike(Map<String, Object> row) {
        return row.containsKey("Created At (UTC)") || row.containsKey("Author Name") || row.containsKey("Entity Path");
    }

    @Override
    public ParsedEvent parse(Map<String, Object> raw, String field) {
        Map<String, Object> fields = new HashMap<>();
        Map<String, Object> vendor = new HashMap<>();
        for (Map.Entry<String, Object> cell : raw.entrySet()) {
            String value =
                    cell.getValue() == null ? null : unguard(cell.getValue().toString());
            vendor.put(cell.getKey(), value);
            String key = COLUMN_TO_KEY_EXACT.get(cell.getKey());
            if (key == null) {
                key = COLUMN_TO_KEY.get(cell.getKey().trim().toLowerCase(Locale.ROOT));
            }
            if (key != null && value != null && value.isEmpty() == false) {
                fields.put(key, value);
            }
        }
        String action = (String) fields.remove("action");
        GitlabMessages.Match match = messages.match(action);
        Map<String, Object> wrapper = new HashMap<>();
        String sentence = action;
        if (match == null && action != null) {
            // Audit::Details.humanize wraps the sentence of an event recorded during impersonation, or by a system
            // job, in a clause of its own; the inner sentence is the one the templates and the generic reading know.
            sentence = unwrap(action, wrapper);
            if (sentence != action) match = messages.match(sentence);
        }
        Map<String, Object> details = sentence == null ? new HashMap<>() : humanizedDetails(sentence);
        details.putAll(wrapper);
        if (match != null) {
            // The API record of the same event carries its name in details.event_name; so does this one now.
            details.put("event_name", match.eventName());
            match.details().forEach(details::putIfAbsent);
        }
        return new ParsedEvent(SourceFormat.GITLAB_CSV, fields, details, vendor).sourceMessage(action);
    }

    /**
     * GitLab's CsvBuilder prefixes a cell starting with = + - @ ; with a quote so spreadsheets do not run it as a
     * formula; undo that so author id '-3 is -3 again.
     */
    static String unguard(String cell) {
        if (cell.length() >= 2 && cell.charAt(0) == '\'' && "=+-@;".indexOf(cell.charAt(1)) >= 0) {
            return cell.substring(1);
        }
        return cell;
    }

    private static final String IMPERSONATED_BY = " (by ";
    private static final String SYSTEM_JOB = " via system job. Reason: ";
    private static final String ACCESS_LEVEL = "access level ";
    private static final String EXPIRY_UNCHANGED = " with expiry remaining unchanged at ";
    private static final String EXPIRY_CHANGING = " with expiry changing from ";
    private static final String NEVER_EXPIRES = "never expires";

    /**
     * The sentence inside the clauses Audit::Details.humanize adds around it ({@code "<sentence> (by <admin>)"} while
     * an administrator impersonates the author, {@code "<sentence> via system job. Reason: <reason>"} for system
     * jobs), with {@code impersonated_by} / {@code system_event} and {@code reason} put into {@code into}, as the API
     * record of the same event carries them; the action itself when it has neither.
     */
    static String unwrap(String action, Map<String, Object> into) {
        int by = action.lastIndexOf(IMPERSONATED_BY);
        if (by > 0 && action.endsWith(")") && action.indexOf('(', by + IMPERSONATED_BY.length()) < 0) {
            into.put("impersonated_by", action.substring(by + IMPERSONATED_BY.length(), action.length() - 1));
            return action.substring(0, by);
        }
        int job = action.lastIndexOf(SYSTEM_JOB);
        if (job > 0) {
            into.put("system_event", "true");
            into.put("reason", action.substring(job + SYSTEM_JOB.length()));
            return action.substring(0, job);
        }
        return action;
    }

    /**
     * "Changed access level from A to B with expiry ..." (member_updated): GitLab appends the expiry clause to the
     * access-level sentence only (Audit::Details#access_level_changed?), and it can itself contain " to ", so it is
     * read off first; the field is GitLab's detail key access_level, as in the API record.
     */
    private static void accessLevelChange(String rest, Map<String, Object> d) {
        String roles = rest;
        int unchanged = roles.lastIndexOf(EXPIRY_UNCHANGED);
        int changing = roles.lastIndexOf(EXPIRY_CHANGING);
        if (unchanged >= 0) {
            String at = roles.substring(unchanged + EXPIRY_UNCHANGED.length());
            d.put("expiry_from", expiry(at));
            d.put("expiry_to", expiry(at));
            roles = roles.substring(0, unchanged);
        } else if (changing >= 0) {
            String span = roles.substring(changing + EXPIRY_CHANGING.length());
            int to = span.indexOf(" to ");
            if (to >= 0) {
                d.put("expiry_from", expiry(span.substring(0, to)));
                d.put("expiry_to", expiry(span.substring(to + 4)));
            }
            roles = roles.substring(0, changing);
        }
        d.put("change", "access_level");
        // Role labels never contain " to " ("Default role: Maintainer", "Custom role: <name>" is the one exception
        // GitLab allows, read here as the text after the last " to ").
        int from = roles.startsWith("from ") ? 0 : -1;
        int to = roles.lastIndexOf(" to ");
        if (from == 0) {
            d.put("from", roles.substring(5, to > 0 ? to : roles.length()));
        }
        if (to >= 0) {
            d.put("to", roles.substring(to + 4));
        } else if (roles.startsWith("to ")) {
            d.put("to", roles.substring(3));
        }
    }

    /** GitLab writes "never expires" for a null expiry; the API record has null. */
    private static String expiry(String text) {
        return text.equals(NEVER_EXPIRES) ? null : text;
    }

    /** The inverse of Audit::Details.humanize for the sentences it writes. */
    static Map<String, Object> humanizedDetails(String action) {
        Map<String, Object> d = new HashMap<>();
        if (action.startsWith("Changed " + ACCESS_LEVEL)) {
            accessLevelChange(action.substring(("Changed " + ACCESS_LEVEL).length()), d);
            return d;
        }
        if (action.startsWith("Signed in with ") && action.endsWith(" authentication")) {
            d.put(
                    "with",
                    action.substring("Signed in with ".length(), action.length() - " authentication".length())
                            .toLowerCase(Locale.ROOT));
        } else if (action.startsWith("Failed to login with ") && action.endsWith(" authentication")) {
            d.put(
                    "failed_login",
                    action.substring("Failed to login with ".length(), action.length() - " authentication".length()));
        } else if (action.startsWith("Added ")) {
            String rest = action.substring("Added ".length());
            int as = rest.lastIndexOf(" as ");
            d.put("add", as < 0 ? rest : rest.substring(0, as));
            if (as >= 0) {
                d.put("as", rest.substring(as + 4));
            }
        } else if (action.startsWith("Removed ")) {
            d.put("remove", action.substring("Removed ".length()));
        } else if (action.startsWith("Changed ")) {
            String rest = action.substring("Changed ".length());
            int from = rest.indexOf(" from ");
            int to = rest.lastIndexOf(" to ");
            int end = from >= 0 ? from : (to >= 0 ? to : rest.length());
            d.put("change", rest.substring(0, end));
            if (from >= 0) {
                d.put("from", rest.substring(from + 6, to > from ? to : rest.length()));
            }
            if (to >= 0 && to >= end) {
                d.put("to", rest.substring(to + 4));
            }
        } else {
            d.put("custom_message", action);
        }
        return d;
    }
}
