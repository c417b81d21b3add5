# Regenerates src/main/resources/io/devopsaudit/content/monitors.json (run from anywhere: python3 tools/generate_monitors.py).
# The JSON file is what ships and what the tests check; this script is the one place monitors are edited.
import json, os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
# where to write: the repository itself, or another root given as the only argument (GeneratedContentTests compares)
import sys
OUT = sys.argv[1] if len(sys.argv) > 1 else ROOT
OUT_FILE = os.path.join(OUT, 'src/main/resources/io/devopsaudit/content/monitors.json')
os.makedirs(os.path.dirname(OUT_FILE), exist_ok=True)
IDX=["devops-audit-gitlab-*","devops-audit-circleci-*"]
LINK="DASHBOARDS_URL/app/data-explorer/discover#?_g=(time:(from:'{{ctx.periodStart}}',to:'{{ctx.periodEnd}}'))"
def action(name, body, bucket=False, subject="[devops-audit] {{ctx.monitor.name}} (severity {{ctx.trigger.severity}})"):
    a={"name":name,"destination_id":"NOTIFICATION_CHANNEL_ID",
       "subject_template":{"source":subject,"lang":"mustache"},
       "message_template":{"source":body,"lang":"mustache"},
       "throttle_enabled":True,"throttle":{"value":60,"unit":"MINUTES"}}
    if bucket:
        a["action_execution_policy"]={"action_execution_scope":{"per_alert":{"actionable_alerts":["DEDUPED","NEW"]}}}
        del a["throttle_enabled"]; del a["throttle"]
    return a
mons=[]
# doc-level monitors, one per high/critical indicator class
classes=[("security_downgrade","Security downgrade (2FA, SSO, push protection, token expiry turned off)"),
 ("data_exposure","Data exposure (project or group made public)"),
 ("privilege_escalation","Privilege escalation (Owner, admin, custom admin role)"),
 ("account_takeover","Account takeover (password reset to several emails, CVE-2023-7028)"),
 ("secret_exposure","Secret exposure (CI/CD variable unprotected or unmasked)"),
 ("defense_evasion","Defense evasion (protected branch removed, audit streaming tampered)"),
 ("data_destruction","Data destruction (CircleCI mass deletion)"),
 ("exfiltration","Exfiltration (system hook created, project created with a worm's name)")]
for cls,title in classes:
    q={"id":"devops-audit-"+cls.replace('_','-'),"name":cls,"query":'audit.indicator_severity:("%s:high" OR "%s:critical")'%(cls,cls),"tags":[cls,"high"]}
    body=("{{ctx.monitor.name}}: {{ctx.alerts.0.related_doc_ids.size}} new high/critical '%s' events.\n"
          "Findings: {{ctx.alerts.0.finding_ids}}\nDocuments: {{ctx.alerts.0.related_doc_ids}}\n"
          "Sample: {{#ctx.alerts.0.sample_documents}}{{_source.@timestamp}} {{_source.user.name}} {{_source.event.action}} on {{_source.audit.scope.path}} from {{_source.source.ip}}\n{{/ctx.alerts.0.sample_documents}}"
          "Open in Dashboards: "+LINK+"&_a=(query:(language:kuery,query:'audit.indicators:%s'))")%(cls,cls)
    mons.append({"type":"monitor","monitor_type":"doc_level_monitor","name":"devops-audit: "+title,"enabled":True,
      "schedule":{"period":{"interval":5,"unit":"MINUTES"}},
      "inputs":[{"doc_level_input":{"description":"high/critical %s indicators tagged at ingest by the devops_audit rules"%cls,"indices":IDX,"queries":[q]}}],
      "triggers":[{"document_level_trigger":{"name":cls+" found","severity":"1" if cls in("privilege_escalation","account_takeover") else "2",
        "condition":{"script":{"source":"query[tag=%s]"%cls,"lang":"painless"}},
        "actions":[action("notify",body)]}}]})
# bucket-level monitors: a composite aggregation per group (one or more keys) over a window ending at period_end; the
# trigger's Painless condition sees the bucket's count (params._count) and, where named, sub-aggregation values
HEALTH=["devops-audit-health-*"]
FAILED=["devops-audit-failed-*"]
def bucket(key,title,sev,window,interval,filters,group_field,threshold,why,must_not=None,indices=IDX,aggs=None,paths=None,condition=None,trigger_name=None):
    groups=group_field if isinstance(group_field,list) else [group_field]
    sub={"first":{"min":{"field":"@timestamp"}},"last":{"max":{"field":"@timestamp"}}}
    if indices==IDX: sub={"ips":{"terms":{"field":"source.ip","size":5}},"scopes":{"terms":{"field":"audit.scope.path","size":5}},**sub}
    if aggs: sub.update(aggs)
    q={"size":0,"query":{"bool":{"filter":[{"range":{"@timestamp":{"gte":"{{period_end}}||-"+window,"lte":"{{period_end}}","format":"epoch_millis"}}}]+filters}},
       "aggregations":{"by_key":{"composite":{"size":100,"sources":[{g.replace('.','_'):{"terms":{"field":g}}} for g in groups] if len(groups)>1 else [{"key":{"terms":{"field":groups[0]}}}]},
         "aggs":sub}}}
    if must_not: q["query"]["bool"]["must_not"]=must_not
    shown=" ".join(groups)
    detail=(" (IPs: {{#agg_alert_content.bucket.ips.buckets}}{{key}} {{/agg_alert_content.bucket.ips.buckets}}; scopes: {{#agg_alert_content.bucket.scopes.buckets}}{{key}} {{/agg_alert_content.bucket.scopes.buckets}})" if indices==IDX else
            " (first {{agg_alert_content.bucket.first.value_as_string}}, last {{agg_alert_content.bucket.last.value_as_string}})")
    body=("{{ctx.monitor.name}}: %s\n{{#ctx.newAlerts}}%s {{bucket_keys}}: {{agg_alert_content.bucket.doc_count}} events in %s"
          +detail+"\n{{/ctx.newAlerts}}"
          "Open in Dashboards: "+LINK+"&_a=(query:(language:kuery,query:'%s:\"{{#ctx.newAlerts}}{{bucket_keys}}{{/ctx.newAlerts}}\"'))")%(why,shown,window,groups[0])
    mons.append({"type":"monitor","monitor_type":"bucket_level_monitor","name":"devops-audit: "+title,"enabled":True,
      "schedule":{"period":{"interval":interval,"unit":"MINUTES"}},
      "inputs":[{"search":{"indices":indices,"query":q}}],
      "triggers":[{"bucket_level_trigger":{"name":trigger_name or "%s >= %d in %s"%(key,threshold,window),"severity":sev,
        "condition":{"buckets_path":paths or {"_count":"_count"},"parent_bucket_path":"by_key","script":{"source":condition or "params._count >= %d"%threshold,"lang":"painless"}},
        "actions":[action("notify",body,bucket=True)]}}]})
def window_filter(name,window,before=False):
    # events of the group inside (or, before=True, before) the last `window` of the monitor's window
    r={"gte":"{{period_end}}||-"+window} if not before else {"lt":"{{period_end}}||-"+window}
    r["format"]="epoch_millis"
    return {name:{"filter":{"range":{"@timestamp":r}}}}
def terms(field,vals): return {"terms":{field:vals}}
def term(field,v): return {"term":{field:v}}
bucket("failed_signins_per_user","Failed sign-ins per user (brute force)","2","15m",5,
  [terms("event.action",["login_failed_with_standard_authentication","omniauth_login_failed","user.logged_in"]),term("event.outcome","failure")],"user.name",10,
  "many failed sign-ins for one account (T1110)")
bucket("failed_signins_per_ip","Failed sign-ins per source IP (password spraying)","2","15m",5,
  [terms("event.action",["login_failed_with_standard_authentication","omniauth_login_failed","user.logged_in"]),term("event.outcome","failure")],"source.ip",10,
  "many failed sign-ins from one address (T1110)")
bucket("failed_second_factor","Failed OTP/WebAuthn after a correct password","1","15m",5,
  [terms("event.action",["login_failed_with_otp_authentication","login_failed_with_webauthn_authentication"])],"user.name",3,
  "the password is known: wrong second factors (T1110/T1621)")
bucket("mass_clone","Mass clone or download by one actor","1","10m",5,
  [{"bool":{"should":[{"bool":{"filter":[term("event.action","repository_git_operation"),{"match_phrase":{"audit.message":"git-upload-pack"}}]}},
     terms("event.action",["repository_download_operation","public_repository_download_operation"])],"minimum_should_match":1}}],"user.name",25,
  "many clones or downloads by one actor (T1213.003/T1567)")
bucket("deletion_burst","Burst of project or group deletions","1","1h",10,
  [terms("event.action",["project_destroyed","project_deletion_marked","group_destroyed","group_deletion_marked"])],"user.name",10,
  "many projects or groups deleted (T1485)")
bucket("export_burst","Burst of project or group exports","2","1h",10,
  [terms("event.action",["project_export_created","project_export_file_download_started","group_export_created","direct_transfer_relations_export_initiated"])],"user.name",3,
  "several exports by one actor (T1567)")
bucket("token_burst","Burst of access-token creation","3","1d",60,
  [terms("event.action",["personal_access_token_created","project_access_token_created","group_access_token_created"])],"user.name",3,
  "several access tokens created by one actor (T1098.001)")
bucket("circleci_secret_burst","Burst of CircleCI secret changes","2","10m",5,
  [terms("event.action",["context.env_var.store","context.env_var.delete","project.env_var.create","project.env_var.delete"])],"user.name",5,
  "many CircleCI secrets stored or deleted by one actor (T1552)")
bucket("password_reset_burst","Burst of password resets for one account","3","1h",10,
  [terms("event.action",["password_reset_requested","password_reset_failed"])],"user.target.name",5,
  "many password resets for one account (T1110)")
bucket("member_removal_burst","Burst of member removals","2","1h",10,
  [terms("event.action",["member_destroyed"])],"user.name",10,
  "many members removed by one actor (T1531; single removals are DA-GL-070, low)")
bucket("variable_read_burst","Bulk CI/CD variable reads through the API","2","10m",5,
  [terms("event.action",["variable_viewed_api"])],"user.name",10,
  "many CI/CD variables read through the API by one actor (T1552; GitLab streams variable_viewed_api only)")
# behaviour: per actor, across events and over time
SIGNIN_FAILED=["login_failed_with_standard_authentication","login_failed_with_otp_authentication","login_failed_with_webauthn_authentication","omniauth_login_failed","user.logged_in"]
SIGNIN_OK=["user.logged_in","authenticated_with_password","authenticated_with_two_factor","authenticated_with_webauthn","authenticated_with_ldap","authenticated_with_oauth","authenticated_with_group_saml"]
bucket("actor_risk","Per-actor risk: summed risk score or distinct rules in an hour","2","1h",10,
  [{"exists":{"field":"rule.id"}}],"user.name",0,
  "one actor's events add up: summed event.risk_score or distinct rule ids in an hour over the placeholder thresholds",
  aggs={"risk":{"sum":{"field":"event.risk_score"}},"rules":{"cardinality":{"field":"rule.id"}}},
  paths={"risk":"risk","rules":"rules"},condition="params.risk >= 150 || params.rules >= 4",trigger_name="risk >= 150 or rules >= 4 in 1h")
for field,what,label in [("source.geo.country_iso_code","country","country"),("source.as.number","network (ASN)","asn")]:
    bucket("new_"+label,"Actor seen from a new %s (none in the previous 30 days)"%what,"3","30d",60,
      [{"exists":{"field":field}}],["user.name",field],0,
      "an actor acted from a %s it has not used in the previous 30 days (T1078)"%what,
      aggs={**window_filter("recent","1h"),**window_filter("earlier","1h",before=True)},
      paths={"recent":"recent._count","earlier":"earlier._count"},condition="params.recent > 0 && params.earlier == 0",
      trigger_name="first %s for the actor in 30 days"%label)
for group,label,why in [("user.name","user","the same account"),("source.ip","source IP","the same address")]:
    bucket("fail_then_success_"+group.replace('.','_'),"Failed sign-ins then a success within 15 minutes (same %s)"%label,"1","15m",5,
      [terms("event.action",sorted(set(SIGNIN_FAILED+SIGNIN_OK)))],group,0,
      "failed sign-ins followed by a successful one for %s: a guessed or sprayed password that worked (T1110)"%why,
      aggs={"failed":{"filter":term("event.outcome","failure"),"aggs":{"first":{"min":{"field":"@timestamp"}}}},
            "succeeded":{"filter":term("event.outcome","success"),"aggs":{"last":{"max":{"field":"@timestamp"}}}}},
      paths={"failed":"failed._count","succeeded":"succeeded._count","first_failure":"failed>first","last_success":"succeeded>last"},
      condition="params.failed >= 3 && params.succeeded >= 1 && params.last_success > params.first_failure",
      trigger_name="failed >= 3 then a success in 15m")
bucket("ip_restricted_access","Burst of denied access to IP-restricted groups","2","1h",10,
  [terms("event.action",["ip_restricted_group_accessed"])],"user.name",5,
  "one actor repeatedly reached IP-restricted groups from outside their allow-lists: valid credentials used from the wrong place (T1078)")
bucket("circleci_context_secret_changes","CircleCI context secrets changed or deleted in bulk","2","1h",10,
  [terms("event.action",["context.env_var.store","context.env_var.delete","context.delete"])],"user.name",3,
  "several CircleCI context secrets (shared by every project that uses the context) stored or deleted by one actor (T1552/T1485)")
# the composite sequence: its first step as a doc-level monitor, the same-user correlation as a bucket-level monitor,
# chained by an Alerting workflow (below)
ACCOUNT_CHANGE=["user_disable_two_factor","user_disable_passkey","user_email_address_updated","user_email_changed_and_user_signed_in"]
TOKEN_CREATED=["personal_access_token_created","project_access_token_created","group_access_token_created"]
mons.append({"type":"monitor","monitor_type":"doc_level_monitor","name":"devops-audit: 2FA disabled or e-mail changed","enabled":True,
  "schedule":{"period":{"interval":5,"unit":"MINUTES"}},
  "inputs":[{"doc_level_input":{"description":"an account's second factor turned off or its e-mail changed: the first step of an account takeover","indices":IDX,
    "queries":[{"id":"devops-audit-account-change","name":"account_change","query":"event.action:(%s)"%" OR ".join(ACCOUNT_CHANGE),"tags":["account_change"]}]}}],
  "triggers":[{"document_level_trigger":{"name":"account change found","severity":"3",
    "condition":{"script":{"source":"query[tag=account_change]","lang":"painless"}},
    "actions":[action("notify","{{ctx.monitor.name}}: {{ctx.alerts.0.related_doc_ids.size}} accounts lost their second factor or changed e-mail.\nDocuments: {{ctx.alerts.0.related_doc_ids}}\n"
      "Open in Dashboards: "+LINK+"&_a=(query:(language:kuery,query:'event.action:(%s)'))"%" or ".join(ACCOUNT_CHANGE))]}}]})
bucket("account_change_then_token","2FA disabled or e-mail changed, then a token created by the same user within an hour","1","1h",10,
  [terms("event.action",ACCOUNT_CHANGE+TOKEN_CREATED)],"user.name",0,
  "an account lost its second factor or changed e-mail and then created an access token: takeover and persistence (T1098/T1556)",
  aggs={"changed":{"filter":terms("event.action",ACCOUNT_CHANGE),"aggs":{"first":{"min":{"field":"@timestamp"}}}},
        "token":{"filter":terms("event.action",TOKEN_CREATED),"aggs":{"last":{"max":{"field":"@timestamp"}}}}},
  paths={"changed":"changed._count","token":"token._count","changed_at":"changed>first","token_at":"token>last"},
  condition="params.changed >= 1 && params.token >= 1 && params.token_at > params.changed_at",
  trigger_name="account change then token in 1h")
# health: audit data that stops, collectors that fail, dead letters and conflicting copies that pile up
bucket("source_silent","Audit source silent: a provider and instance that usually sends sent nothing for 6 hours","2","7d",60,
  [],["event.provider","audit.instance"],0,
  "a provider and instance that sent audit events in the past 7 days sent none in the last 6 hours (a stream that stopped, a collector that no longer runs)",
  aggs={**window_filter("recent","6h"),**window_filter("earlier","6h",before=True)},
  paths={"recent":"recent._count","earlier":"earlier._count"},condition="params.recent == 0 && params.earlier >= 10",
  trigger_name="nothing in 6h after >= 10 in the 7 days before")
bucket("collector_failing","Collector failing: its last poll failed","1","6h",10,
  [terms("event.action",["collector_poll_failed","collector_poll_recovered"])],"collector.name",0,
  "a collector's last recorded poll failed and it has not recovered (read the health record's message and hint)",
  indices=HEALTH,
  aggs={"failed":{"filter":term("event.action","collector_poll_failed"),"aggs":{"last":{"max":{"field":"@timestamp"}}}},
        "recovered":{"filter":term("event.action","collector_poll_recovered"),"aggs":{"last":{"max":{"field":"@timestamp"}}}}},
  paths={"failed":"failed._count","recovered":"recovered._count","last_failure":"failed>last","last_recovery":"recovered>last"},
  condition="params.failed >= 1 && (params.recovered == 0 || params.last_failure > params.last_recovery)",
  trigger_name="failure not followed by a recovery")
bucket("dead_letters","Dead letters growing: records rejected per hour","2","1h",10,
  [],"error.type",50,"records that could not be ingested are piling up in the dead-letter indices (read error.message; the original is kept in event.original)",
  must_not=[term("event.kind","conflicting_copy")],indices=FAILED)
bucket("conflicting_copies","Conflicting copies of an audit event","1","1h",10,
  [term("event.kind","conflicting_copy")],"event.kind",1,
  "two copies of the same audit event (same dedup key) differ: one of the sources was altered or a shipper rewrote it",
  indices=FAILED)
# Alerting workflows: delegates and chained-trigger conditions name their monitors by the placeholder
# MONITOR_ID{<monitor name>}; ./devops-audit install-monitors creates the monitors first and fills in their ids
def monitor_ref(name): return "MONITOR_ID{devops-audit: "+name+"}"
workflows=[]
def workflow(title,sev,steps,why):
    cond=" && ".join("monitor[id=%s]"%monitor_ref(n) for n in steps)
    workflows.append({"name":"devops-audit: "+title,"workflow_type":"composite","enabled":True,
      "schedule":{"period":{"interval":10,"unit":"MINUTES"}},
      "inputs":[{"composite_input":{"sequence":{"delegates":[{"order":i+1,"monitor_id":monitor_ref(n)} for i,n in enumerate(steps)]}}}],
      "triggers":[{"chained_alert_trigger":{"name":"every step alerted","severity":sev,
        "condition":{"script":{"source":cond,"lang":"painless"}},
        "actions":[action("notify","{{ctx.workflow.name}}: %s\nOpen in Dashboards: "%why+LINK,subject="[devops-audit] {{ctx.workflow.name}} (severity {{ctx.trigger.severity}})")]}}]})
workflow("Account takeover sequence (2FA off or e-mail changed, then a token)","1",
  ["2FA disabled or e-mail changed","2FA disabled or e-mail changed, then a token created by the same user within an hour"],
  "an account lost its second factor or changed e-mail, and the same user then created an access token within an hour")
names={m["name"] for m in mons}
for w in workflows:
    for d in w["inputs"][0]["composite_input"]["sequence"]["delegates"]:
        assert d["monitor_id"][len("MONITOR_ID{"):-1] in names, d
doc={"version":1,"description":"devops-audit alerting monitors (OpenSearch Alerting plugin). NOTIFICATION_CHANNEL_ID and DASHBOARDS_URL are placeholders: PUT _plugins/devops_audit/_setup fills them, or replace them by hand before POST _plugins/_alerting/monitors (docs/monitors.md).","monitors":mons,"workflows":workflows}
json.dump(doc,open(OUT_FILE,'w'),indent=2)
print(len(mons))
