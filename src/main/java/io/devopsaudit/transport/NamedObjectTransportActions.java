/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.transport.TransportService;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The transport actions of named objects kept in the state index (collectors, streaming destinations): get one or all,
 * put one from a request body, delete one. Each kind's actions are subclasses that keep their own permission name and
 * hand over the service calls and answers of that kind; what the calls do (where the object is stored, what a missing
 * one answers) stays with the service.
 */
public final class NamedObjectTransportActions {
    private NamedObjectTransportActions() {}

    /**
     * One object's view ({@code 404} from the service when there is none of that name), or all of them when the
     * request names none.
     */
    public abstract static class Get<Q extends NamedRequest, V, S extends ActionResponse>
            extends BlockingTransportAction<Q, S> {
        private final Function<String, V> get;
        private final Supplier<List<V>> list;
        private final Function<V, S> one;
        private final Function<List<V>, S> all;

        protected Get(
                String name,
                TransportService transportService,
                ActionFilters actionFilters,
                Writeable.Reader<Q> reader,
                Function<String, V> get,
                Supplier<List<V>> list,
                Function<V, S> one,
                Function<List<V>, S> all) {
            super(name, transportService, actionFilters, reader);
            this.get = Objects.requireNonNull(get);
            this.list = Objects.requireNonNull(list);
            this.one = Objects.requireNonNull(one);
            this.all = Objects.requireNonNull(all);
        }

        @Override
        protected final S run(Q request) {
            return request.name() == null ? all.apply(list.get()) : one.apply(get.apply(request.name()));
        }
    }

    /**
     * Creates or replaces the object the request's body configures; the answer is made from the result
     * ({@code created} or {@code updated}) and the configuration.
     */
    public abstract static class Put<Q extends NamedConfigRequest<C>, C, S extends ActionResponse>
            extends BlockingTransportAction<Q, S> {
        private final Function<C, String> put;
        private final BiFunction<String, C, S> answer;

        protected Put(
                String name,
                TransportService transportService,
                ActionFilters actionFilters,
                Writeable.Reader<Q> reader,
                Function<C, String> put,
                BiFunction<String, C, S> answer) {
            super(name, transportService, actionFilters, reader);
            this.put = Objects.requireNonNull(put);
            this.answer = Objects.requireNonNull(answer);
        }

        @Override
        protected final S run(Q request) {
            C config = request.config();
            return answer.apply(put.apply(config), config);
        }
    }

    /** Removes the named object ({@code 404} from the service when there is none) and acknowledges it by name. */
    public abstract static class Delete<Q extends NamedRequest, S extends DeletedResponse>
            extends BlockingTransportAction<Q, S> {
        private final Consumer<String> delete;
        private final Function<String, S> answer;

        protected Delete(
                String name,
                TransportService transportService,
                ActionFilters actionFilters,
                Writeable.Reader<Q> reader,
                Consumer<String> delete,
                Function<String, S> answer) {
            super(name, transportService, actionFilters, reader);
            this.delete = Objects.requireNonNull(delete);
            this.answer = Objects.requireNonNull(answer);
        }

        @Override
        protected final S run(Q request) {
            delete.accept(request.name());
            return answer.apply(request.name());
        }
    }
}
