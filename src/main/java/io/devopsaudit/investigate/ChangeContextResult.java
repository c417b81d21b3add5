/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@link ChangeContext}: the event, its correlation id, actor and source address (each {@code null} when
 * the event has none), the window searched around it, and the events found in time order with the reasons each is
 * there; {@code truncated} when a search found more than {@code limit} events.
 */
public record ChangeContextResult(
        String eventId,
        String correlationId,
        String actor,
        String sourceIp,
        String from,
        String to,
        int total,
        boolean truncated,
        int limit,
        List<Event> events)
        implements Writeable, ToXContentObject {

    public ChangeContextResult {
        events = List.copyOf(events);
    }

    public ChangeContextResult(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readOptionalString(),
                in.readOptionalString(),
                in.readOptionalString(),
                in.readString(),
                in.readString(),
                in.readVInt(),
                in.readBoolean(),
                in.readVInt(),
                in.readList(Event::new));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(eventId);
        out.writeOptionalString(correlationId);
        out.writeOptionalString(actor);
        out.writeOptionalString(sourceIp);
        out.writeString(from);
        out.writeString(to);
        out.writeVInt(total);
        out.writeBoolean(truncated);
        out.writeVInt(limit);
        out.writeList(events);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject()
                .field("event_id", eventId)
                .field("correlation_id", correlationId)
                .field("actor", actor)
                .field("source_ip", sourceIp)
                .startObject("window")
                .field("from", from)
                .field("to", to)
                .endObject()
                .field("total", total)
                .field("truncated", truncated)
                .field("limit", limit)
                .startArray("events");
        for (Event e : events) e.toXContent(builder, params);
        return builder.endArray().endObject();
    }

    /**
     * One event of the context: where it is stored, its time, why it is there ({@code event}, {@code same_request},
     * {@code request}, {@code same_actor}, {@code same_ip}, {@code same_object}) and the document as stored.
     *
     * @param timestamp the stored {@code @timestamp} as it is in the document
     */
    public record Event(String id, String index, Object timestamp, List<String> reasons, Map<String, Object> source)
            implements Writeable, ToXContentObject {
        public Event {
            reasons = List.copyOf(reasons);
        }

        @SuppressWarnings("unchecked")
        Event(StreamInput in) throws IOException {
            this(in.readString(), in.readString(), in.readGenericValue(), in.readStringList(), (Map<String, Object>)
                    in.readGenericValue());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(id);
            out.writeString(index);
            out.writeGenericValue(timestamp);
            out.writeStringCollection(reasons);
            // in document order: a LinkedHashMap crosses the wire as one
            out.writeGenericValue(source instanceof LinkedHashMap<?, ?> ? source : new LinkedHashMap<>(source));
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                    .field("_id", id)
                    .field("_index", index)
                    .field("@timestamp", timestamp)
                    .field("reasons", reasons)
                    .field("_source", source)
                    .endObject();
        }
    }
}
