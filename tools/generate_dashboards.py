# Regenerates dashboards/devops-audit.ndjson from the index templates (python3 tools/generate_dashboards.py).
# Ids are stable UUIDv5s, so re-importing overwrites instead of duplicating. DashboardsContentTests and ContentIT check the output.
import json, os, uuid
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
# where to write: the repository itself, or another root given as the only argument (GeneratedContentTests compares)
import sys
OUT = sys.argv[1] if len(sys.argv) > 1 else ROOT
OUT_FILE = os.path.join(OUT, 'dashboards/devops-audit.ndjson')
os.makedirs(os.path.dirname(OUT_FILE), exist_ok=True)
tpl=json.load(open(ROOT+'/src/main/resources/io/devopsaudit/content/index-template.json'))
dl=json.load(open(ROOT+'/src/main/resources/io/devopsaudit/content/dead-letter-template.json'))
hl=json.load(open(ROOT+'/src/main/resources/io/devopsaudit/content/health-template.json'))
def leaves(props,prefix=''):
    out=[]
    for k,v in props.items():
        p=prefix+k
        if 'properties' in v: out+=leaves(v['properties'],p+'.')
        else:
            out.append((p,v))
            for sk,sv in v.get('fields',{}).items(): out.append((p+'.'+sk,sv))
    return out
OSD_TYPE={'keyword':'string','text':'string','date':'date','ip':'ip','long':'number','float':'number','boolean':'boolean','flat_object':'string','geo_point':'geo_point'}
def fields(props):
    fl=[]
    for name,d in leaves(props):
        t=d['type']; agg = t!='text' and t!='flat_object' and d.get('doc_values',True) and d.get('index',True)
        fl.append({"name":name,"type":OSD_TYPE[t],"esTypes":[t],"searchable":d.get('index',True),"aggregatable":bool(agg),"readFromDocValues":bool(agg)})
    for meta in ["_id","_index"]: fl.append({"name":meta,"type":"string","esTypes":[meta],"searchable":True,"aggregatable":True,"readFromDocValues":False})
    return json.dumps(fl,separators=(',',':'))
NS=uuid.UUID('6b0f5c0e-7d0e-4b58-9d6a-2f1c9b7a0d11')
def sid(name): return str(uuid.uuid5(NS,name))
EV=sid('index-pattern:events'); DL=sid('index-pattern:dead-letters'); HL=sid('index-pattern:health'); RQ=sid('index-pattern:requests')
objs=[]
objs.append({"id":EV,"type":"index-pattern","migrationVersion":{"index-pattern":"7.6.0"},"references":[],
  "attributes":{"title":"devops-audit-gitlab-*,devops-audit-circleci-*","timeFieldName":"@timestamp","fields":fields(tpl['template']['mappings']['properties'])}})
objs.append({"id":DL,"type":"index-pattern","migrationVersion":{"index-pattern":"7.6.0"},"references":[],
  "attributes":{"title":"devops-audit-failed-*","timeFieldName":"@timestamp","fields":fields(dl['template']['mappings']['properties'])}})
objs.append({"id":HL,"type":"index-pattern","migrationVersion":{"index-pattern":"7.6.0"},"references":[],
  "attributes":{"title":"devops-audit-health-*","timeFieldName":"@timestamp","fields":fields(hl['template']['mappings']['properties'])}})
# GitLab's request logs (production_json, api_json, auth_json): their own indices, mapped by the same event template
objs.append({"id":RQ,"type":"index-pattern","migrationVersion":{"index-pattern":"7.6.0"},"references":[],
  "attributes":{"title":"devops-audit-gitlab-requests-*","timeFieldName":"@timestamp","fields":fields(tpl['template']['mappings']['properties'])}})
def ssj(query, pattern_ref=True, filters=None):
    d={"query":{"query":query,"language":"lucene"},"filter":filters or []}
    if pattern_ref: d["indexRefName"]="kibanaSavedObjectMeta.searchSourceJSON.index"
    return json.dumps(d,separators=(',',':'))
def search(name,title,query,columns,pattern=EV):
    i=sid('search:'+name)
    objs.append({"id":i,"type":"search","migrationVersion":{"search":"7.9.3"},
      "attributes":{"title":"devops-audit - "+title,"description":"","hits":0,"columns":columns,"sort":[["@timestamp","desc"]],"version":1,
        "kibanaSavedObjectMeta":{"searchSourceJSON":ssj(query)}},
      "references":[{"id":pattern,"name":"kibanaSavedObjectMeta.searchSourceJSON.index","type":"index-pattern"}]})
    return i
def vis(name,title,vtype,aggs,query="",pattern=EV,params=None):
    i=sid('vis:'+name)
    state={"title":"devops-audit - "+title,"type":vtype,"aggs":aggs,"params":params or {}}
    objs.append({"id":i,"type":"visualization","migrationVersion":{"visualization":"7.10.0"},
      "attributes":{"title":"devops-audit - "+title,"description":"","version":1,"uiStateJSON":"{}","visState":json.dumps(state,separators=(',',':')),
        "kibanaSavedObjectMeta":{"searchSourceJSON":ssj(query)}},
      "references":[{"id":pattern,"name":"kibanaSavedObjectMeta.searchSourceJSON.index","type":"index-pattern"}]})
    return i
def a(id,type,schema,**params): return {"id":str(id),"enabled":True,"type":type,"schema":schema,"params":params}
count=a(1,"count","metric")
hist=lambda n: a(n,"date_histogram","segment",field="@timestamp",interval="auto",min_doc_count=1)
terms=lambda n,field,schema="segment",size=10: a(n,"terms",schema,field=field,size=size,order="desc",orderBy="1")
SEV='audit.indicators:*'
# what counts as an access: the same text _access_report reads (one definition, InvestigateIT compares the counts)
ACCESS=' '.join(l.strip() for l in open(ROOT+'/src/main/resources/io/devopsaudit/content/access-query.txt') if l.strip() and not l.strip().startswith('#'))
s_crit=search('critical','High and critical indicator events','audit.severity:(high OR critical)',["user.name","event.action","audit.scope.path","source.ip","rule.name"])
s_access=search('access','Access events (successful sign-ins, git, file reads, downloads, exports)',ACCESS,["user.name","event.action","audit.scope.path","source.ip"])
s_changes=search('changes','Changes (who changed what)','audit.change.operation:*',["user.name","event.action","audit.change.field","audit.change.from","audit.change.to","audit.scope.path"])
s_corr=search('correlation','Events of one request (set the correlation id)','audit.correlation_id:*',["audit.correlation_id","user.name","event.action","audit.message"])
s_dead=search('dead','Dead-lettered events','event.kind:pipeline_error',["error.message","error.processor_tag","event.original"],pattern=DL)
v=[]
v.append(vis('ind_time','Indicator hits over time','histogram',[count,hist(2),terms(3,"audit.indicators","group")],SEV))
v.append(vis('ind_class','Indicator hits by class','pie',[count,terms(2,"audit.indicators")],SEV))
v.append(vis('ind_sev','Indicator hits by severity','histogram',[count,terms(2,"audit.severity")],SEV))
v.append(vis('risky','Top risky actors','table',[count,a(2,"sum","metric",field="event.risk_score"),terms(3,"user.name","bucket")],SEV))
v.append(vis('rules','Rules fired','table',[count,terms(2,"rule.name","bucket",20)],SEV))
v.append(vis('recent_crit','Recent critical events','table',[count,terms(2,"event.action","bucket"),terms(3,"user.name","bucket"),a(4,"max","metric",field="@timestamp")],'audit.severity:critical'))
acc=ACCESS
v2=[]
v2.append(vis('acc_users','Distinct users','metric',[a(1,"cardinality","metric",field="user.name")],acc))
v2.append(vis('acc_count','Accesses','metric',[count],acc))
v2.append(vis('acc_ips','Distinct source IPs','metric',[a(1,"cardinality","metric",field="source.ip")],acc))
v2.append(vis('acc_range','First and last access','metric',[a(1,"min","metric",field="@timestamp"),a(2,"max","metric",field="@timestamp")],acc))
v2.append(vis('acc_paths','Accesses per project path','table',[count,terms(2,"audit.scope.path","bucket",50)],acc))
v2.append(vis('acc_user_ip','Accesses by user and source IP','table',[count,terms(2,"user.name","bucket",50),terms(3,"source.ip","bucket",20)],acc))
v2.append(vis('acc_type','Accesses by access type','pie',[count,terms(2,"event.action")],acc))
v2.append(vis('acc_geo','Accesses by source country and network (AS)','table',[count,terms(2,"source.geo.country_name","bucket",20),terms(3,"source.as.organization.name","bucket",20)],acc))
# Request-based panels for the log requests audit events cannot answer (docs/investigation.md, "Questions only the
# request logs answer"): who viewed a page (set url.path or audit.scope.path in the query bar, the window in the time
# picker, the office-network filter above), which paths refused an IP before Rack::Attack blocked it, and where the
# requests for a path come from. A page view is what _access_report's include_requests counts: GET below 400.
VIEWS='event.dataset:gitlab.production AND http.request.method:GET AND http.response.status_code:<400'
API_READS='event.dataset:gitlab.api AND http.request.method:GET AND http.response.status_code:<400'
DENIED='http.response.status_code:(401 OR 403)'
BLOCKS='event.dataset:gitlab.auth AND event.outcome:failure'
s_requests=search('requests','Request events (set url.path, source.ip or user.name)','event.dataset:*',["user.name","source.ip","http.request.method","url.path","http.response.status_code","user_agent.original","audit.correlation_id"],pattern=RQ)
vr=[]
vr.append(vis('req_views_user','Page views by user and source IP (request logs)','table',[count,terms(2,"user.name","bucket",50),terms(3,"source.ip","bucket",20),a(4,"min","metric",field="@timestamp"),a(5,"max","metric",field="@timestamp")],VIEWS,pattern=RQ))
vr.append(vis('req_views_ip','Page views by source IP (request logs)','table',[count,terms(2,"source.ip","bucket",50),a(3,"cardinality","metric",field="user.name")],VIEWS,pattern=RQ))
vr.append(vis('req_api_reads','API reads by user and token type (request logs)','table',[count,terms(2,"user.name","bucket",50),terms(3,"audit.token.type","bucket",10)],API_READS,pattern=RQ))
vr.append(vis('req_path_status','Requests per path and status','table',[count,terms(2,"url.path","bucket",50),terms(3,"http.response.status_code","bucket",10)],'',pattern=RQ))
vr.append(vis('req_denied_ip','401 and 403 responses by source IP and path','table',[count,terms(2,"source.ip","bucket",20),terms(3,"url.path","bucket",50),a(4,"max","metric",field="@timestamp")],DENIED,pattern=RQ))
vr.append(vis('req_blocks','Rack::Attack blocks and throttles by source IP (auth log)','table',[count,terms(2,"source.ip","bucket",20),terms(3,"event.action","bucket",5),a(4,"min","metric",field="@timestamp")],BLOCKS,pattern=RQ))
vr.append(vis('req_countries','Requests by source country and network (set url.path)','table',[count,terms(2,"source.geo.country_name","bucket",20),terms(3,"source.as.organization.name","bucket",20)],'',pattern=RQ))
vr.append(vis('req_agents','Requests by user agent (set url.path)','table',[count,terms(2,"user_agent.original","bucket",20),a(3,"cardinality","metric",field="source.ip")],'',pattern=RQ))
v3=[]
v3.append(vis('chg_scope','Changes by scope','histogram',[count,terms(2,"audit.scope.path")],'audit.change.operation:*'))
v3.append(vis('chg_who','Who changed what','table',[count,terms(2,"user.name","bucket",20),terms(3,"audit.change.field","bucket",20)],'audit.change.operation:*'))
v3.append(vis('chg_cat','Events by category and area','pie',[count,terms(2,"audit.category"),terms(3,"audit.area")]))
v3.append(vis('chg_corr','Events per correlation id','table',[count,terms(2,"audit.correlation_id","bucket",20)],'audit.correlation_id:*'))
v4=[]
v4.append(vis('dl_errors','Dead-letter count by error','table',[count,terms(2,"error.message.keyword","bucket",20),terms(3,"error.processor_tag","bucket")],'event.kind:pipeline_error',pattern=DL))
v4.append(vis('dl_time','Dead letters over time','histogram',[count,hist(2)],'',pattern=DL))
v4.append(vis('fmt_time','Events by source format over time','histogram',[count,hist(2),terms(3,"audit.source_format","group")]))
v4.append(vis('unmapped','Unmapped actions (add them to the taxonomy)','table',[count,terms(2,"event.action","bucket",50),terms(3,"event.provider","bucket")],'audit.unmapped:true'))
# the plugin's health records (collector polls that fail or recover, retention runs) and the dead letters over time
v4.append(vis('src_last','Last event per source (provider and instance)','table',[count,terms(2,"event.provider","bucket"),terms(3,"audit.instance","bucket",50),a(4,"max","metric",field="@timestamp")]))
v4.append(vis('col_err_time','Collector errors over time','histogram',[count,hist(2),terms(3,"collector.name","group")],'event.action:collector_poll_failed',pattern=HL))
v4.append(vis('col_err','Collector errors by collector, scope and HTTP status','table',[count,terms(2,"collector.name","bucket",20),terms(3,"collector.scope","bucket",20),terms(4,"http.response.status_code","bucket"),a(5,"max","metric",field="@timestamp")],'event.action:collector_poll_failed',pattern=HL))
v4.append(vis('col_last_ok','Collector recoveries (last per collector)','table',[count,terms(2,"collector.name","bucket",20),a(3,"max","metric",field="@timestamp")],'event.action:collector_poll_recovered',pattern=HL))
v4.append(vis('dl_kind_time','Dead letters and conflicting copies over time','histogram',[count,hist(2),terms(3,"event.kind","group")],'',pattern=DL))
v4.append(vis('retention_runs','Retention runs: indices deleted and warmed','table',[count,a(2,"sum","metric",field="retention.deleted_count"),a(3,"sum","metric",field="retention.warmed_count"),a(4,"max","metric",field="@timestamp")],'event.action:retention_run',pattern=HL))
def dash(name,title,desc,items,filters=None):
    panels=[]; refs=[]
    for n,(oid,otype) in enumerate(items):
        panels.append({"embeddableConfig":{},"gridData":{"h":15,"i":str(n+1),"w":24,"x":(n%2)*24,"y":(n//2)*15},"panelIndex":str(n+1),"version":"2.11.0","panelRefName":"panel_%d"%n})
        refs.append({"id":oid,"name":"panel_%d"%n,"type":otype})
    src={"query":{"query":"","language":"lucene"},"filter":[]}
    for k,f in enumerate(filters or []):
        f=json.loads(json.dumps(f)); f["meta"]["indexRefName"]="kibanaSavedObjectMeta.searchSourceJSON.filter[%d].meta.index"%k
        src["filter"].append(f); refs.append({"id":EV,"name":"kibanaSavedObjectMeta.searchSourceJSON.filter[%d].meta.index"%k,"type":"index-pattern"})
    objs.append({"id":sid('dash:'+name),"type":"dashboard","migrationVersion":{"dashboard":"7.9.3"},
      "attributes":{"title":"devops-audit - "+title,"description":desc,"hits":0,"version":1,
        # a saved time range: without one Dashboards opens on the last 15 minutes and older audit data (imports,
        # backfills, the 2018-2024 samples) looks absent; 10 years covers the default 7-year retention
        "timeRestore":True,"timeFrom":"now-10y","timeTo":"now","refreshInterval":{"pause":True,"value":0},
        "optionsJSON":json.dumps({"hidePanelTitles":False,"useMargins":True}),"panelsJSON":json.dumps(panels,separators=(',',':')),
        "kibanaSavedObjectMeta":{"searchSourceJSON":json.dumps(src,separators=(',',':'))}},"references":refs})
V=lambda ids:[(i,"visualization") for i in ids]
dash('security','Security overview','Indicator hits tagged at ingest: over time, by class and severity, top risky actors, recent critical events.',V(v)+[(s_crit,"search")])
office={"meta":{"alias":"exclude office network (edit the CIDR)","negate":True,"disabled":True,"type":"phrase","key":"source.ip","params":{"query":"192.0.2.0/24"}},
        "query":{"match_phrase":{"source.ip":"192.0.2.0/24"}},"$state":{"store":"appState"}}
domain={"meta":{"alias":"exclude company email domain (edit; only events that carry user.email: _access_report also resolves the others)","negate":True,"disabled":True,"type":"custom","key":"query"},
        "query":{"query_string":{"query":"user.email:*@example.com"}},"$state":{"store":"appState"}}
dash('access','Access review','Who accessed a project, how often, from how many IPs, over what time range. Set audit.scope.path in the query bar; toggle the exclusion filters. From GitLab\'s request logs: page views and API reads per user and IP, requests per path and status, 401/403 per IP before a Rack::Attack block, and the countries, networks and user agents of a path\'s requests (set url.path).',V(v2)+[(s_access,"search")]+V(vr)+[(s_requests,"search")],[office,domain])
dash('changes','Change and traceability','Changes by scope, who changed what, and every event of one correlation id.',V(v3)+[(s_changes,"search"),(s_corr,"search")])
dash('health','Ingest health','Dead-letter counts by error, events by source format, actions the taxonomy does not list yet; the last event per source, collector errors and recoveries, dead letters and conflicting copies over time, retention runs (from the health records).',V(v4)+[(s_dead,"search")])
with open(OUT_FILE,'w') as f:
    for o in objs: f.write(json.dumps(o,separators=(',',':'))+'\n')
print(len(objs), sum(1 for o in objs if o['type']=='visualization'), sum(1 for o in objs if o['type']=='dashboard'))
