/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.schema;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Fields the shipped pipeline adds after the {@code devops_audit} processor, with OpenSearch's own {@code geoip} and
 * {@code user_agent} processors (docs/schema.md, "Added by the shipped pipeline"). Kept apart from {@link Fields}
 * on purpose: the processor's indicator rules run before enrichment, so a rule must not be able to name these
 * (the rule engine accepts only {@link Fields#ALL}). The index template maps them; {@code TemplateSchemaTests} and
 * {@code SchemaDocTests} keep template, doc and this class in agreement.
 */
public final class EnrichedFields {
    private EnrichedFields() {}

    public static final String SOURCE_GEO_CONTINENT_NAME = "source.geo.continent_name";
    public static final String SOURCE_GEO_COUNTRY_ISO_CODE = "source.geo.country_iso_code";
    public static final String SOURCE_GEO_COUNTRY_NAME = "source.geo.country_name";
    public static final String SOURCE_GEO_REGION_ISO_CODE = "source.geo.region_iso_code";
    public static final String SOURCE_GEO_REGION_NAME = "source.geo.region_name";
    public static final String SOURCE_GEO_CITY_NAME = "source.geo.city_name";
    public static final String SOURCE_GEO_LOCATION = "source.geo.location";
    public static final String SOURCE_AS_NUMBER = "source.as.number";
    public static final String SOURCE_AS_ORGANIZATION_NAME = "source.as.organization.name";

    public static final String USER_AGENT_NAME = "user_agent.name";
    public static final String USER_AGENT_VERSION = "user_agent.version";
    public static final String USER_AGENT_OS_NAME = "user_agent.os.name";
    public static final String USER_AGENT_OS_VERSION = "user_agent.os.version";
    public static final String USER_AGENT_OS_FULL = "user_agent.os.full";
    public static final String USER_AGENT_DEVICE_NAME = "user_agent.device.name";

    /** Every field name above. */
    public static final Set<String> ALL = allFieldNames();

    private static Set<String> allFieldNames() {
        Set<String> names = new TreeSet<>();
        for (Field f : EnrichedFields.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isPublic(mod) && f.getType() == String.class) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }
}
