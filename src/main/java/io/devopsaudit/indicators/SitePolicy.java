/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The site's own policy, from processor options: which networks are the office's ({@code trusted_networks}),
 * which roles are privileged ({@code privileged_roles}) and how long a token may live ({@code token_max_lifetime_days}).
 * Rules refer to it through the conditions {@code outside_trusted_networks}, {@code privileged_role} and
 * {@code lifetime_over_max_days}.
 */
public record SitePolicy(List<Cidr> trustedNetworks, Set<String> privilegedRoles, int tokenMaxLifetimeDays) {

    public static final List<String> DEFAULT_PRIVILEGED_ROLES = List.of("Owner", "Maintainer");
    public static final int DEFAULT_TOKEN_MAX_LIFETIME_DAYS = 90;
    public static final SitePolicy DEFAULT =
            new SitePolicy(List.of(), lower(DEFAULT_PRIVILEGED_ROLES), DEFAULT_TOKEN_MAX_LIFETIME_DAYS);

    public static Set<String> lower(List<String> roles) {
        return roles.stream().map(r -> r.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    boolean isPrivileged(String role) {
        return role != null && privilegedRoles.contains(role.toLowerCase(Locale.ROOT));
    }

    /** False when no trusted networks are configured: nothing is "outside" an unset policy. */
    boolean isOutsideTrustedNetworks(String ip) {
        if (trustedNetworks.isEmpty() || ip == null) {
            return false;
        }
        for (Cidr c : trustedNetworks) {
            if (c.contains(ip)) return false;
        }
        return true;
    }
}
