# Regenerates src/main/resources/io/devopsaudit/content/monitors.json (run from anywhere: python3 tools/generate_monitors.py).
# The JSON file is what ships and what the tests check; this script is only the convenient way to edit 16 monitors at once.
import json, os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
# where to write: the repository itself, or another root given as the only argument (GeneratedContentTests compares)
import sys
OUT = sys.argv[1] if len(sys.argv) > 1 else ROOT
OUT_FILE = os.path.join(OUT, 'src/main/resources/io/devopsaudit/content/monitors.json')
os.makedirs(os.path.dirname(OUT_FILE), exist_ok=True)
IDX=["devops-audit-gitlab-*","devops-audit-circleci-*"]
LINK="DASHBOARDS_URL/app/data-explorer/discover#?_g=(time:(from:'{{ctx.periodStart}}',to:'{{ctx.periodEnd}}'))"
def action(name, body, bucket=False):
    a={"name":name,"destination_id":"NOTIFICATION_CHANNEL_ID",
       "subject_template":{"source":"[devops-audit] {{ctx.monitor.name}} (severity {{ctx.trigger.severity}})","lang":"mustache"},
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
# bucket-level thresholds
def bucket(key,title,sev,window,interval,filters,group_field,threshold,why,must_not=None):
    q={"size":0,"query":{"bool":{"filter":[{"range":{"@timestamp":{"gte":"{{period_end}}||-"+window,"lte":"{{period_end}}","format":"epoch_millis"}}}]+filters}},
       "aggregations":{"by_key":{"composite":{"size":100,"sources":[{"key":{"terms":{"field":group_field}}}]},
         "aggs":{"ips":{"terms":{"field":"source.ip","size":5}},"scopes":{"terms":{"field":"audit.scope.path","size":5}},"first":{"min":{"field":"@timestamp"}},"last":{"max":{"field":"@timestamp"}}}}}}
    if must_not: q["query"]["bool"]["must_not"]=must_not
    body=("{{ctx.monitor.name}}: %s\n{{#ctx.newAlerts}}%s {{bucket_keys}}: {{agg_alert_content.bucket.doc_count}} events in %s"
          " (IPs: {{#agg_alert_content.bucket.ips.buckets}}{{key}} {{/agg_alert_content.bucket.ips.buckets}}; scopes: {{#agg_alert_content.bucket.scopes.buckets}}{{key}} {{/agg_alert_content.bucket.scopes.buckets}})\n{{/ctx.newAlerts}}"
          "Open in Dashboards: "+LINK+"&_a=(query:(language:kuery,query:'%s:\"{{#ctx.newAlerts}}{{bucket_keys}}{{/ctx.newAlerts}}\"'))")%(why,group_field,window,group_field)
    mons.append({"type":"monitor","monitor_type":"bucket_level_monitor","name":"devops-audit: "+title,"enabled":True,
      "schedule":{"period":{"interval":interval,"unit":"MINUTES"}},
      "inputs":[{"search":{"indices":IDX,"query":q}}],
      "triggers":[{"bucket_level_trigger":{"name":"%s >= %d in %s"%(key,threshold,window),"severity":sev,
        "condition":{"buckets_path":{"_count":"_count"},"parent_bucket_path":"by_key","script":{"source":"params._count >= %d"%threshold,"lang":"painless"}},
        "actions":[action("notify",body,bucket=True)]}}]})
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
doc={"version":1,"description":"devops-audit alerting monitors (OpenSearch Alerting plugin). NOTIFICATION_CHANNEL_ID and DASHBOARDS_URL are placeholders: PUT _plugins/devops_audit/_setup fills them, or replace them by hand before POST _plugins/_alerting/monitors (docs/monitors.md).","monitors":mons}
json.dump(doc,open(OUT_FILE,'w'),indent=2)
print(len(mons))
