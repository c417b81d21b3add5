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
 * and which roles are privileged ({@code privileged_roles}). Rules refer to it through the conditions
 * {@code outside_trusted_networks} and {@code privileged_role} / {@code not_privileged_role}.
 */
public record SitePolicy(List<Cidr> trustedNetworks, Set<String> privilegedRoles) {

    public static final List<String> DEFAULT_PRIVILEGED_ROLES = List.of("Owner", "Maintainer");
    public static final SitePolicy DEFAULT = new SitePolicy(List.of(), lower(DEFAULT_PRIVILEGED_ROLES));

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
