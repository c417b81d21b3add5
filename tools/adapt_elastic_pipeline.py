#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Adapts Elastic's GitLab audit ingest pipeline to OpenSearch, for way (f) of the end-to-end benchmark.

Usage (docs/benchmarks.md, "Side by side: the processor, the shipped pipeline and Elastic's GitLab pipeline"):
  # default.yml: packages/gitlab/data_stream/audit/elasticsearch/ingest_pipeline/default.yml of elastic/integrations
  python3 tools/adapt_elastic_pipeline.py default.yml > elastic-gitlab-audit.json
  mvn -B -Pbench -DskipTests -Dbench.external.pipeline=elastic-gitlab-audit.json verify

Elastic's pipeline is under the Elastic License 2.0 and is not part of this repository; this script only reads a copy
of it and prints it as JSON with the three changes OpenSearch needs, everything else left as it is:
  1. `dot_expander` with `field: "*"` becomes one `dot_expander` per dotted key of GitLab's audit_json.log lines,
     because OpenSearch's dot_expander requires a dotted field name and has no wildcard;
  2. each `set` with `copy_from` becomes a `set` with a Mustache `value` when it copies a single value, or a Painless
     `script` taking a shallow copy of the map when it copies an object, under the same `if`, because OpenSearch's
     set processor has no `copy_from`;
  3. the renames of `gitlab.audit.author_id` and `gitlab.audit.author_name` get `ignore_missing: true`, because many
     audit lines carry no author and OpenSearch would otherwise fail the whole document.
Processors are found by type and shape, not by position, so a newer version of Elastic's file still converts; when
an expected processor is missing, or a processor type OpenSearch lacks remains, the script stops and says which.
What each change matched is printed on standard error.
"""
import json
import sys

import yaml

# The dotted keys of GitLab's audit_json.log lines (under gitlab.audit once the json processor has parsed them).
DOTTED_KEYS = [
    'meta.remote_ip', 'meta.user', 'meta.caller_id', 'meta.feature_category', 'meta.client_id',
    'meta.user_id', 'meta.project', 'meta.root_namespace',
]

# Renames that must tolerate a missing source field.
RENAMES_MADE_OPTIONAL = ['gitlab.audit.author_id', 'gitlab.audit.author_name']

# Options every ingest processor accepts; a `set` turned into a `script` keeps these and nothing else.
COMMON_OPTIONS = {'if', 'tag', 'description', 'ignore_failure', 'on_failure'}

# Ingest processor types of OpenSearch 3.8 (ingest-common, ingest-geoip, ingest-user-agent and the bundled plugins).
OPENSEARCH_PROCESSORS = {
    'append', 'bytes', 'community_id', 'convert', 'copy', 'csv', 'date', 'date_index_name', 'dissect',
    'dot_expander', 'drop', 'fail', 'fingerprint', 'foreach', 'geoip', 'grok', 'gsub', 'html_strip', 'ip2geo',
    'join', 'json', 'kv', 'lowercase', 'ml_inference', 'pipeline', 'remove', 'remove_by_pattern', 'rename',
    'script', 'set', 'sort', 'sparse_encoding', 'split', 'text_chunking', 'text_embedding', 'text_image_embedding',
    'trim', 'uppercase', 'uri_parts', 'urldecode', 'user_agent',
}


def fail(message):
    sys.exit('adapt_elastic_pipeline: ' + message)


def kind_and_options(processor, where):
    """A processor is a one-key map {type: options}; anything else means the file is not an ingest pipeline."""
    if not isinstance(processor, dict) or len(processor) != 1:
        fail(f'{where}: expected a one-key map {{type: options}}, found {processor!r}')
    (kind, options), = processor.items()
    if not isinstance(options, dict):
        fail(f'{where}: the options of {kind} are not a map')
    return kind, options


def expand_wildcard_dot_expanders(processors):
    """Change 1: one dot_expander per dotted key instead of field "*", keeping path, if and the other options."""
    out, matched = [], 0
    for processor in processors:
        kind, options = kind_and_options(processor, 'processors')
        if kind == 'dot_expander' and options.get('field') == '*':
            matched += 1
            for key in DOTTED_KEYS:
                out.append({'dot_expander': {**options, 'field': key}})
        else:
            out.append(processor)
    if matched == 0:
        fail('no dot_expander with field "*" found; the pipeline no longer has the shape docs/benchmarks.md describes')
    return out, matched


def field_is_object(field, pipeline):
    """Whether the pipeline uses `field` as an object, i.e. names a field under it (client for client.ip)."""
    prefix = field + '.'
    found = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and (node.startswith(prefix) or ('{{' + prefix) in node
                                        or ('{{{' + prefix) in node or ('ctx.' + prefix) in node
                                        or ('ctx.' + field + '?.') in node):
            found.append(node)

    walk(pipeline)
    return bool(found)


def replace_copy_from(processors, pipeline):
    """Change 2: `set` with `copy_from` becomes a Mustache `set` (single value) or a Painless `script` (object)."""
    out, as_value, as_script = [], [], []
    for processor in processors:
        kind, options = kind_and_options(processor, 'processors')
        if kind != 'set' or 'copy_from' not in options:
            out.append(processor)
            continue
        target, source = options.get('field'), options['copy_from']
        if not isinstance(target, str) or not isinstance(source, str):
            fail(f'set with copy_from {source!r} has no usable field {target!r}')
        if field_is_object(source, pipeline):
            # A Mustache value would turn the map into a string; a shallow copy keeps it a map, as copy_from does.
            extra = set(options) - COMMON_OPTIONS - {'field', 'copy_from'}
            if extra:
                fail(f'set of {target} from {source} has options a script cannot honour: {sorted(extra)}')
            if '.' in target:
                fail(f'set of {target} from {source}: copying an object into a dotted field is not supported')
            script = {'lang': 'painless', 'source': f'ctx.{target} = new HashMap(ctx.{source})'}
            script.update({k: v for k, v in options.items() if k in COMMON_OPTIONS})
            out.append({'script': script})
            as_script.append(f'{target} <- {source}')
        else:
            replaced = {k: v for k, v in options.items() if k != 'copy_from'}
            replaced['value'] = '{{{' + source + '}}}'
            out.append({'set': replaced})
            as_value.append(f'{target} <- {source}')
    if not as_value and not as_script:
        fail('no set with copy_from found; the pipeline no longer has the shape docs/benchmarks.md describes')
    return out, as_value, as_script


def make_renames_optional(processors):
    """Change 3: ignore_missing on the author renames."""
    seen = set()
    for processor in processors:
        kind, options = kind_and_options(processor, 'processors')
        if kind == 'rename' and options.get('field') in RENAMES_MADE_OPTIONAL:
            options['ignore_missing'] = True
            seen.add(options['field'])
    missing = [f for f in RENAMES_MADE_OPTIONAL if f not in seen]
    if missing:
        fail(f'no rename of {", ".join(missing)} found; the pipeline no longer has the shape docs/benchmarks.md '
             f'describes')
    return len(seen)


def check_for_opensearch(processors, where):
    """Every processor, nested ones included, must be a type OpenSearch has and use no Elasticsearch-only option."""
    for i, processor in enumerate(processors):
        here = f'{where}[{i}]'
        kind, options = kind_and_options(processor, here)
        if kind not in OPENSEARCH_PROCESSORS:
            fail(f'{here}: processor type {kind!r} is not an OpenSearch 3.8 ingest processor')
        if kind == 'dot_expander' and options.get('field') == '*':
            fail(f'{here}: dot_expander with field "*" remains (OpenSearch needs a dotted field name)')
        if kind == 'set' and 'copy_from' in options:
            fail(f'{here}: set with copy_from remains (OpenSearch has no copy_from)')
        check_for_opensearch(options.get('on_failure', []), here + '.on_failure')
        if kind == 'foreach' and 'processor' in options:
            check_for_opensearch([options['processor']], here + '.processor')


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding='utf-8') as f:
        pipeline = yaml.safe_load(f)
    if not isinstance(pipeline, dict) or not isinstance(pipeline.get('processors'), list):
        fail(f'{sys.argv[1]} is not an ingest pipeline (no processors list)')

    processors, expanded = expand_wildcard_dot_expanders(pipeline['processors'])
    processors, as_value, as_script = replace_copy_from(processors, pipeline)
    renames = make_renames_optional(processors)

    adapted = {'description': pipeline.get('description', ''), 'processors': processors}
    for key in ('on_failure', 'version'):
        if key in pipeline:
            adapted[key] = pipeline[key]
    dropped = sorted(set(pipeline) - {'description', 'processors', 'on_failure', 'version'})
    check_for_opensearch(adapted['processors'], 'processors')
    check_for_opensearch(adapted.get('on_failure', []), 'on_failure')

    json.dump(adapted, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write('\n')

    print(f'dot_expander "*": {expanded} replaced by {expanded * len(DOTTED_KEYS)} dot_expander '
          f'({len(DOTTED_KEYS)} keys each)', file=sys.stderr)
    print(f'set copy_from: {len(as_value)} to a Mustache set ({", ".join(as_value) or "-"}), '
          f'{len(as_script)} to a Painless script ({", ".join(as_script) or "-"})', file=sys.stderr)
    print(f'rename ignore_missing: {renames} ({", ".join(RENAMES_MADE_OPTIONAL)})', file=sys.stderr)
    if dropped:
        print(f'top-level keys left out (OpenSearch pipelines take description, processors, on_failure, version): '
              f'{", ".join(dropped)}', file=sys.stderr)
    print(f'{len(processors)} processors', file=sys.stderr)


if __name__ == '__main__':
    main()
