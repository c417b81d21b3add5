/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * The answer of {@link AccessReport}: the window and scope, the counts, first and last access, the accesses per project
 * and per access type, the exclusions applied, the identities resolution left open or found with several e-mails, and
 * with {@code detail} the per-user and per-IP rows; with {@code include_requests} the same counts from the request
 * events.
 *
 * @param scope one path (rendered as a string) or several (rendered as a list)
 * @param firstAccess {@code null} when nothing was accessed
 * @param outsideWindow {@code null} but when nothing was accessed in the window
 * @param users {@code null} without {@code detail}
 * @param sourceIps {@code null} without {@code detail}
 * @param requests {@code null} without {@code include_requests}
 * @param precountedDays the window's days read from the access rollup ({@link AccessRollup}) instead of their events
 */
public record AccessReportResult(
        List<String> scope,
        String from,
        String to,
        int distinctUsers,
        long accesses,
        int distinctSourceIps,
        String firstAccess,
        String lastAccess,
        List<Bucket> perProject,
        List<Bucket> perAccessType,
        OutsideWindow outsideWindow,
        int bound,
        boolean boundHit,
        Excluded excluded,
        List<Identity> unresolvedIdentities,
        long unresolvedAccesses,
        List<Identity> identitiesWithSeveralEmails,
        List<UserRow> users,
        List<IpRow> sourceIps,
        Requests requests,
        boolean redacted,
        int precountedDays)
        implements Writeable, ToXContentObject {

    public AccessReportResult {
        scope = List.copyOf(scope);
        perProject = List.copyOf(perProject);
        perAccessType = List.copyOf(perAccessType);
        unresolvedIdentities = List.copyOf(unresolvedIdentities);
        identitiesWithSeveralEmails = List.copyOf(identitiesWithSeveralEmails);
        users = users == null ? null : List.copyOf(users);
        sourceIps = sourceIps == null ? null : List.copyOf(sourceIps);
    }

    public AccessReportResult(StreamInput in) throws IOException {
        this(
                in.readStringList(),
                in.readString(),
                in.readString(),
                in.readVInt(),
                in.readVLong(),
                in.readVInt(),
                in.readOptionalString(),
                in.readOptionalString(),
                in.readList(Bucket::new),
                in.readList(Bucket::new),
                in.readOptionalWriteable(OutsideWindow::new),
                in.readVInt(),
                in.readBoolean(),
                new Excluded(in),
                in.readList(Identity::new),
                in.readVLong(),
                in.readList(Identity::new),
                in.readBoolean() ? in.readList(UserRow::new) : null,
                in.readBoolean() ? in.readList(IpRow::new) : null,
                in.readOptionalWriteable(Requests::new),
                in.readBoolean(),
                in.readVInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeStringCollection(scope);
        out.writeString(from);
        out.writeString(to);
        out.writeVInt(distinctUsers);
        out.writeVLong(accesses);
        out.writeVInt(distinctSourceIps);
        out.writeOptionalString(firstAccess);
        out.writeOptionalString(lastAccess);
        out.writeList(perProject);
        out.writeList(perAccessType);
        out.writeOptionalWriteable(outsideWindow);
        out.writeVInt(bound);
        out.writeBoolean(boundHit);
        excluded.writeTo(out);
        out.writeList(unresolvedIdentities);
        out.writeVLong(unresolvedAccesses);
        out.writeList(identitiesWithSeveralEmails);
        writeOptionalList(out, users);
        writeOptionalList(out, sourceIps);
        out.writeOptionalWriteable(requests);
        out.writeBoolean(redacted);
        out.writeVInt(precountedDays);
    }

    private static void writeOptionalList(StreamOutput out, List<? extends Writeable> list) throws IOException {
        out.writeBoolean(list != null);
        if (list != null) out.writeList(list);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        if (scope.size() == 1) {
            builder.field("scope", scope.get(0));
        } else {
            builder.field("scope", scope);
        }
        builder.field("from", from);
        builder.field("to", to);
        builder.field("distinct_users", distinctUsers);
        builder.field("accesses", accesses);
        builder.field("distinct_source_ips", distinctSourceIps);
        builder.field("first_access", firstAccess);
        builder.field("last_access", lastAccess);
        Bucket.toXContent("per_project", perProject, builder);
        Bucket.toXContent("per_access_type", perAccessType, builder);
        if (outsideWindow != null) builder.field("outside_window", outsideWindow);
        builder.field("bound", bound);
        builder.field("bound_hit", boundHit);
        builder.field("excluded", excluded);
        array("unresolved_identities", unresolvedIdentities, builder, params);
        builder.field("unresolved_accesses", unresolvedAccesses);
        array("identities_with_several_emails", identitiesWithSeveralEmails, builder, params);
        if (users != null) array("users", users, builder, params);
        if (sourceIps != null) array("source_ips", sourceIps, builder, params);
        if (requests != null) builder.field("requests", requests);
        builder.field("redacted", redacted);
        builder.field("precounted_days", precountedDays);
        return builder.endObject();
    }

    private static void array(String name, List<? extends ToXContent> items, XContentBuilder builder, Params params)
            throws IOException {
        builder.startArray(name);
        for (ToXContent item : items) item.toXContent(builder, params);
        builder.endArray();
    }

    /** How many accesses one project or one access type had; rendered as one field of an object, in bucket order. */
    public record Bucket(String key, long accesses) implements Writeable {
        Bucket(StreamInput in) throws IOException {
            this(in.readString(), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(key);
            out.writeVLong(accesses);
        }

        static void toXContent(String name, List<Bucket> buckets, XContentBuilder builder) throws IOException {
            builder.startObject(name);
            for (Bucket b : buckets) builder.field(b.key(), b.accesses());
            builder.endObject();
        }
    }

    /**
     * For an empty report: how many accesses of the scope lie outside the window and when the first and last were.
     *
     * @param first {@code null} when there are none
     */
    public record OutsideWindow(long accesses, String first, String last, String note)
            implements Writeable, ToXContentObject {
        OutsideWindow(StreamInput in) throws IOException {
            this(in.readVLong(), in.readOptionalString(), in.readOptionalString(), in.readString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVLong(accesses);
            out.writeOptionalString(first);
            out.writeOptionalString(last);
            out.writeString(note);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                    .field("accesses", accesses)
                    .field("first", first)
                    .field("last", last)
                    .field("note", note)
                    .endObject();
        }
    }

    /** The exclusions the report applied, and how many users the excluded e-mail domains left out. */
    public record Excluded(List<String> networks, List<String> emailDomains, List<String> users, int usersByEmailDomain)
            implements Writeable, ToXContentObject {
        public Excluded {
            networks = List.copyOf(networks);
            emailDomains = List.copyOf(emailDomains);
            users = List.copyOf(users);
        }

        Excluded(StreamInput in) throws IOException {
            this(in.readStringList(), in.readStringList(), in.readStringList(), in.readVInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringCollection(networks);
            out.writeStringCollection(emailDomains);
            out.writeStringCollection(users);
            out.writeVInt(usersByEmailDomain);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                    .field("networks", networks)
                    .field("email_domains", emailDomains)
                    .field("users", users)
                    .field("users_by_email_domain", usersByEmailDomain)
                    .endObject();
        }
    }

    /**
     * A user as identity resolution names it (provider, instance, id, name; each may be unknown) and how many accesses.
     *
     * @param emails the e-mails known for it when there are several, else {@code null}
     */
    public record Identity(
            String provider, String instance, String userId, String user, long accesses, List<String> emails)
            implements Writeable, ToXContentObject {
        public Identity {
            emails = emails == null ? null : List.copyOf(emails);
        }

        Identity(StreamInput in) throws IOException {
            this(
                    in.readOptionalString(),
                    in.readOptionalString(),
                    in.readOptionalString(),
                    in.readOptionalString(),
                    in.readVLong(),
                    in.readOptionalStringList());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalString(provider);
            out.writeOptionalString(instance);
            out.writeOptionalString(userId);
            out.writeOptionalString(user);
            out.writeVLong(accesses);
            out.writeOptionalStringCollection(emails);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject()
                    .field("provider", provider)
                    .field("instance", instance)
                    .field("user_id", userId)
                    .field("user", user)
                    .field("accesses", accesses);
            if (emails != null) builder.field("emails", emails);
            return builder.endObject();
        }
    }

    /** A per-user or per-IP row: what {@link AccessReport#csv} writes, one line each. */
    public sealed interface Row extends Writeable, ToXContentObject permits UserRow, IpRow {
        /** {@code user} or {@code ip}. */
        String kind();

        String identity();

        long accesses();

        /** A user's addresses, an address's users. */
        List<String> related();

        String first();

        String last();
    }

    /** A user, its accesses, the addresses and clients it accessed from, and its first and last access. */
    public record UserRow(
            String user, long accesses, List<String> ips, List<String> userAgents, String first, String last)
            implements Row {
        public UserRow {
            ips = List.copyOf(ips);
            userAgents = List.copyOf(userAgents);
        }

        UserRow(StreamInput in) throws IOException {
            this(
                    in.readString(),
                    in.readVLong(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readString(),
                    in.readString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(user);
            out.writeVLong(accesses);
            out.writeStringCollection(ips);
            out.writeStringCollection(userAgents);
            out.writeString(first);
            out.writeString(last);
        }

        @Override
        public String kind() {
            return "user";
        }

        @Override
        public String identity() {
            return user;
        }

        @Override
        public List<String> related() {
            return ips;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                    .field("user", user)
                    .field("accesses", accesses)
                    .field("ips", ips)
                    .field("user_agents", userAgents)
                    .field("first", first)
                    .field("last", last)
                    .endObject();
        }
    }

    /**
     * An address, its accesses, the users who accessed from it, its country and network (where GeoIP/ASN enrichment
     * exists) and its first and last access.
     */
    public record IpRow(
            String ip,
            long accesses,
            List<String> users,
            List<String> countries,
            List<Long> asns,
            String first,
            String last)
            implements Row {
        public IpRow {
            users = List.copyOf(users);
            countries = List.copyOf(countries);
            asns = List.copyOf(asns);
        }

        IpRow(StreamInput in) throws IOException {
            this(
                    in.readString(),
                    in.readVLong(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readList(StreamInput::readLong),
                    in.readString(),
                    in.readString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(ip);
            out.writeVLong(accesses);
            out.writeStringCollection(users);
            out.writeStringCollection(countries);
            out.writeCollection(asns, StreamOutput::writeLong);
            out.writeString(first);
            out.writeString(last);
        }

        @Override
        public String kind() {
            return "ip";
        }

        @Override
        public String identity() {
            return ip;
        }

        @Override
        public List<String> related() {
            return users;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                    .field("ip", ip)
                    .field("accesses", accesses)
                    .field("users", users)
                    .field("countries", countries)
                    .field("asns", asns)
                    .field("first", first)
                    .field("last", last)
                    .endObject();
        }
    }

    /**
     * Page views and API reads of the scope from the request events, their distinct users and addresses, and with
     * {@code detail} their rows.
     *
     * @param users {@code null} without {@code detail}
     * @param sourceIps {@code null} without {@code detail}
     */
    public record Requests(
            long pageViews,
            long apiReads,
            int distinctUsers,
            int distinctSourceIps,
            boolean boundHit,
            List<UserRow> users,
            List<IpRow> sourceIps)
            implements Writeable, ToXContentObject {
        public Requests {
            users = users == null ? null : List.copyOf(users);
            sourceIps = sourceIps == null ? null : List.copyOf(sourceIps);
        }

        Requests(StreamInput in) throws IOException {
            this(
                    in.readVLong(),
                    in.readVLong(),
                    in.readVInt(),
                    in.readVInt(),
                    in.readBoolean(),
                    in.readBoolean() ? in.readList(UserRow::new) : null,
                    in.readBoolean() ? in.readList(IpRow::new) : null);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVLong(pageViews);
            out.writeVLong(apiReads);
            out.writeVInt(distinctUsers);
            out.writeVInt(distinctSourceIps);
            out.writeBoolean(boundHit);
            writeOptionalList(out, users);
            writeOptionalList(out, sourceIps);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject()
                    .field("page_views", pageViews)
                    .field("api_reads", apiReads)
                    .field("distinct_users", distinctUsers)
                    .field("distinct_source_ips", distinctSourceIps)
                    .field("bound_hit", boundHit);
            if (users != null) array("users", users, builder, params);
            if (sourceIps != null) array("source_ips", sourceIps, builder, params);
            return builder.endObject();
        }
    }
}
