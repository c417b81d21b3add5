/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.common.xcontent.yaml.YamlXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A site's own rules: every {@code *.yml} file in {@code <OpenSearch config>/devops-audit/rules/}, read once at node
 * start (like ingest-user-agent's extra regex files) in file-name order and appended to the shipped rules. Each file
 * has the format of the shipped {@code rules.yml} and passes the same checks; any error fails the node start with a
 * message naming the file and the rule. Details: docs/tuning.md.
 */
public final class SiteRules {
    private static final Logger logger = LogManager.getLogger(SiteRules.class);

    /** Below the node's config directory. */
    public static final String DIR = "devops-audit/rules";
    /**
     * Shipped rule ids start with this; site ids may not, so a later release that adds a rule can never collide with a
     * site's rule and stop the node from starting after an upgrade.
     */
    public static final String SHIPPED_PREFIX = "DA-";

    private static final List<String> FILE_KEYS = List.of("version", "rules");

    private SiteRules() {}

    /** The shipped rules plus the site's; {@code shipped} unchanged when the directory does not exist. */
    public static RuleSet load(RuleSet shipped, Path configDir) {
        Path dir = configDir.resolve(DIR);
        if (Files.exists(dir) == false) return shipped;
        if (Files.isDirectory(dir) == false) {
            throw new IllegalStateException("site rules [" + dir + "] must be a directory of *.yml files");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.yml")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new IllegalStateException("site rules [" + dir + "] cannot be listed: " + e, e);
        }
        files.sort(null);
        // Where each id comes from, so a collision names both places.
        Map<String, String> origin = new HashMap<>();
        for (Rule r : shipped.rules()) origin.put(r.id(), "the shipped " + RuleSet.FILE);
        List<Rule> site = new ArrayList<>();
        for (Path file : files) {
            for (Rule r : parseFile(file, shipped)) {
                String where = "site rule file [" + file + "] rule [" + r.id() + "]";
                String before = origin.putIfAbsent(r.id(), "site rule file [" + file + "]");
                if (before != null) throw new IllegalStateException(where + " is already defined in " + before);
                if (r.id().startsWith(SHIPPED_PREFIX)) {
                    throw new IllegalStateException(
                            where + ": ids starting with [" + SHIPPED_PREFIX + "] are reserved for shipped rules");
                }
                site.add(r);
            }
        }
        if (site.isEmpty()) return shipped;
        logger.info("loaded {} site rules from {} files in [{}]", site.size(), files.size(), dir);
        return shipped.plus(site);
    }

    @SuppressWarnings("unchecked")
    static List<Rule> parseFile(Path file, RuleSet shipped) {
        String name = "site rule file [" + file + "]";
        Map<String, Object> content;
        try (InputStream in = Files.newInputStream(file);
                XContentParser p = YamlXContent.yamlXContent.createParser(
                        NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, in)) {
            content = p.mapOrdered();
        } catch (IOException | RuntimeException e) {
            // XContent reports YAML syntax errors with their line and column
            throw new IllegalStateException(name + " cannot be read as YAML: " + e.getMessage(), e);
        }
        if (content == null) content = Map.of();
        for (String key : content.keySet()) {
            if (key.equals("classes")) {
                throw new IllegalStateException(name + ": [classes] cannot be extended, rules use the shipped classes "
                        + shipped.classes().stream().sorted().toList());
            }
            if (FILE_KEYS.contains(key) == false) {
                throw new IllegalStateException(name + ": unknown key [" + key + "], expected " + FILE_KEYS);
            }
        }
        Object version = content.get("version");
        if (version != null && (version instanceof Number n && n.intValue() == 1) == false) {
            throw new IllegalStateException(name + ": [version] must be 1, found [" + version + "]");
        }
        if (content.get("rules") instanceof List == false || ((List<?>) content.get("rules")).isEmpty()) {
            throw new IllegalStateException(name + " must have a non-empty list [rules]");
        }
        return RuleSet.parseRules(name, (List<Object>) content.get("rules"), shipped.classes(), shipped.techniques());
    }
}
