/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import java.util.List;
import java.util.Map;

/**
 * One single-event indicator rule from {@code rules.yml} or a site rule file: metadata plus compiled conditions, all of
 * which must hold. {@code sources} are the input shapes ({@link RuleSet#SHAPES}) on which the rule is proven to fire.
 */
public record Rule(
        String id,
        String name,
        String description,
        String indicatorClass,
        String severity,
        int riskScore,
        List<String> techniques,
        String platform,
        List<String> sources,
        List<Condition> conditions,
        Map<String, Object> match) {

    /** This rule with another severity and the risk score that goes with it ({@code severity_overrides}). */
    public Rule withSeverity(String newSeverity) {
        return new Rule(
                id,
                name,
                description,
                indicatorClass,
                newSeverity,
                RuleSet.RISK_SCORES.get(newSeverity),
                techniques,
                platform,
                sources,
                conditions,
                match);
    }

    public boolean matches(String provider, io.devopsaudit.normalize.RecordBuilder record, SitePolicy policy) {
        if (platform.equals(RuleSet.ANY_PLATFORM) == false && platform.equals(provider) == false) {
            return false;
        }
        for (Condition c : conditions) {
            if (c.test(record, policy) == false) {
                return false;
            }
        }
        return true;
    }
}
