/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.classify;

import java.util.List;

/**
 * Where an action sits in the hierarchy: {@code audit.category} (level 1), {@code audit.area} (level 2), and its
 * ECS {@code event.category} / {@code event.type}. {@code mapped} is false for actions the taxonomy does not list.
 */
public record Classification(
        String category, String area, List<String> ecsCategory, List<String> ecsType, boolean mapped) {}
