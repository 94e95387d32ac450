// A rosbridge v2 protocol relay: a TEST FIXTURE standing in for rosbridge_server where there is no ROS 2 graph.
//
// rosbridge_server turns ROS 2 goals into messages for a client that advertised an action, and messages from that
// client back into ROS 2. This relay routes the same messages directly between WebSocket clients, keeping the
// message shapes rosbridge_suite uses (capabilities advertise_action, send_action_goal, action_feedback,
// action_result, cancel_action_goal, advertise, publish, subscribe):
//   caller  --send_action_goal{id:C}-->  relay  --send_action_goal{id:"action_goal:<action>:<n>", feedback:true}--> advertiser
//   caller  <--action_feedback{id:C}--   relay  <--action_feedback{id}--                                           advertiser
//   caller  <--action_result{id:C}--     relay  <--action_result{id, values, status:int, result:bool}--            advertiser
//   caller  --cancel_action_goal{id:C}-> relay  --cancel_action_goal{id}-->                                        advertiser
// Like rosbridge, it type-checks each op's fields and fills/validates message fields against the .action
// definition given with --action TYPE=FILE (unknown fields and wrong types are errors). Every violation is printed as
// a line "PROTOCOL-ERROR {json}" on stdout, so that tests can assert there were none. It is not rosbridge_server:
// there is no ROS 2 graph behind it, and ROS-side behaviour (goal UUIDs, DDS QoS) is not modelled.
//
// usage: node relay.mjs --port N [--action deliberate_msgs/action/Reason=path/Reason.action] [--trace]
// prints "LISTENING <port>" once ready.

import { readFileSync } from 'node:fs';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(opt('--port', '0'));
const trace = args.includes('--trace');
// rosbridge_server (tornado) accepts messages up to 10 MiB by default; so does the relay, so that the node sees
// what a real bridge would forward
const MAX_FRAME = 10 << 20;

// ---- interface definitions (.action files) --------------------------------------------------------------------
const actionDefs = new Map(); // type -> {goal, result, feedback}: arrays of {type, name}
for (let i = 0; i < args.length; i++) {
  if (args[i] !== '--action') continue;
  const [type, file] = args[i + 1].split('=');
  const parts = readFileSync(file, 'utf8').split(/^---\s*$/m);
  if (parts.length !== 3) throw new Error(`${file}: an .action file has three parts`);
  const fields = (text) => text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l)
    .map((l) => { const [t, n] = l.split(/\s+/); return { type: t, name: n }; });
  actionDefs.set(type, { goal: fields(parts[0]), result: fields(parts[1]), feedback: fields(parts[2]) });
}

const INT_RANGES = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], uint64: [0, Number.MAX_SAFE_INTEGER],
};
const NESTED = {
  'builtin_interfaces/Duration': [{ type: 'int32', name: 'sec' }, { type: 'uint32', name: 'nanosec' }],
  'builtin_interfaces/Time': [{ type: 'int32', name: 'sec' }, { type: 'uint32', name: 'nanosec' }],
};

// Fills defaults and checks types, as rosbridge's message_conversion.populate_instance does. Returns [msg, error].
function populate(defs, value, where) {
  if (value === undefined || value === null) value = {};
  if (typeof value !== 'object' || Array.isArray(value)) return [null, `${where}: expected an object`];
  const known = new Set(defs.map((d) => d.name));
  for (const k of Object.keys(value)) {
    if (!known.has(k)) return [null, `${where}: unknown field '${k}'`];
  }
  const out = {};
  for (const d of defs) {
    const v = value[d.name];
    const at = `${where}.${d.name}`;
    if (d.type === 'string') {
      if (v === undefined) out[d.name] = '';
      else if (typeof v !== 'string') return [null, `${at}: expected string, got ${typeof v}`];
      else out[d.name] = v;
    } else if (d.type === 'bool') {
      if (v === undefined) out[d.name] = false;
      else if (typeof v !== 'boolean') return [null, `${at}: expected bool, got ${typeof v}`];
      else out[d.name] = v;
    } else if (INT_RANGES[d.type]) {
      const [lo, hi] = INT_RANGES[d.type];
      if (v === undefined) out[d.name] = 0;
      else if (!Number.isInteger(v) || v < lo || v > hi) return [null, `${at}: expected ${d.type}, got ${JSON.stringify(v)}`];
      else out[d.name] = v;
    } else if (d.type === 'float32' || d.type === 'float64') {
      if (v === undefined) out[d.name] = 0;
      else if (typeof v !== 'number') return [null, `${at}: expected ${d.type}`];
      else out[d.name] = v;
    } else if (NESTED[d.type]) {
      const [m, e] = populate(NESTED[d.type], v, at);
      if (e) return [null, e];
      out[d.name] = m;
    } else {
      return [null, `${at}: type ${d.type} not supported by the relay`];
    }
  }
  return [out, null];
}

// ---- routing state --------------------------------------------------------------------------------------------
let nextGoal = 1;
let nextClient = 1;
const advertisers = new Map(); // action -> {ws, type}
const goals = new Map(); // relay goal id -> {caller, callerId, action, advertiser}
const subscribers = new Map(); // topic -> Set(ws)

function out(line) { process.stdout.write(line + '\n'); }
function violation(ws, what, msg) {
  out('PROTOCOL-ERROR ' + JSON.stringify({ client: ws.clientId, what, msg }));
  send(ws, { op: 'status', level: 'error', msg: what });
}
function send(ws, msg) {
  if (ws.readyState === ws.OPEN) {
    const text = JSON.stringify(msg);
    if (trace) out(`TRACE to#${ws.clientId} ${text}`);
    ws.send(text);
  }
}
// rosbridge's Capability.basic_type_check: required fields present with the right JSON type
function typeCheck(ws, msg, fields) {
  for (const [required, name, type] of fields) {
    const v = msg[name];
    if (v === undefined) {
      if (required) { violation(ws, `${msg.op}: missing required field '${name}'`, msg); return false; }
      continue;
    }
    const ok = type === 'int' ? Number.isInteger(v) : type === 'bool' ? typeof v === 'boolean'
      : type === 'dict' ? typeof v === 'object' && v !== null && !Array.isArray(v) : typeof v === type;
    if (!ok) { violation(ws, `${msg.op}: field '${name}' must be ${type}, got ${JSON.stringify(v)}`, msg); return false; }
  }
  return true;
}

function abortGoalsOf(ws) {
  for (const [gid, g] of goals) {
    if (g.advertiser === ws) {
      // rosbridge aborts the ROS goals of an advertiser that went away; the caller sees ABORTED
      const def = actionDefs.get(advertisers.get(g.action)?.type ?? g.type);
      const [empty] = def ? populate(def.result, {}, 'result') : [{}];
      send(g.caller, { op: 'action_result', id: g.callerId, action: g.action, values: empty, status: 6, result: true });
      goals.delete(gid);
    } else if (g.caller === ws) {
      goals.delete(gid);
    }
  }
  for (const [action, a] of advertisers) if (a.ws === ws) advertisers.delete(action);
  for (const set of subscribers.values()) set.delete(ws);
}

const handlers = {
  advertise_action(ws, m) {
    if (!typeCheck(ws, m, [[true, 'action', 'string'], [true, 'type', 'string']])) return;
    if (!actionDefs.has(m.type)) return violation(ws, `advertise_action: unknown action type ${m.type}`, m);
    advertisers.set(m.action, { ws, type: m.type });
    out(`ADVERTISED ${m.action} ${m.type} by#${ws.clientId}`);
  },
  unadvertise_action(ws, m) {
    if (!typeCheck(ws, m, [[true, 'action', 'string']])) return;
    if (advertisers.get(m.action)?.ws === ws) advertisers.delete(m.action);
  },
  send_action_goal(ws, m) {
    if (!typeCheck(ws, m, [[true, 'action', 'string'], [true, 'action_type', 'string'], [false, 'id', 'string']])) return;
    const fail = (why) => send(ws, { op: 'action_result', id: m.id, action: m.action, values: why, status: 0, result: false });
    const adv = advertisers.get(m.action);
    if (!adv) return fail(`action ${m.action} is not advertised`);
    if (adv.type !== m.action_type) return fail(`action ${m.action} has type ${adv.type}, not ${m.action_type}`);
    const [goal, err] = populate(actionDefs.get(adv.type).goal, m.args, 'goal');
    if (err) return fail(err);
    const gid = `action_goal:${m.action}:${nextGoal++}`;
    goals.set(gid, { caller: ws, callerId: m.id, action: m.action, advertiser: adv.ws, type: adv.type, feedback: m.feedback === true });
    send(adv.ws, { op: 'send_action_goal', id: gid, action: m.action, action_type: adv.type, args: goal, feedback: true });
  },
  cancel_action_goal(ws, m) {
    if (!typeCheck(ws, m, [[true, 'action', 'string']])) return;
    for (const [gid, g] of goals) {
      if (g.caller === ws && g.callerId === m.id) send(g.advertiser, { op: 'cancel_action_goal', id: gid, action: g.action });
    }
  },
  action_feedback(ws, m) {
    if (!typeCheck(ws, m, [[true, 'action', 'string'], [false, 'id', 'string'], [false, 'values', 'dict']])) return;
    const g = goals.get(m.id);
    if (!g || g.advertiser !== ws) return violation(ws, `action_feedback for unknown goal ${m.id}`, m);
    const [values, err] = populate(actionDefs.get(g.type).feedback, m.values, 'feedback');
    if (err) return violation(ws, err, m);
    if (g.feedback) send(g.caller, { op: 'action_feedback', id: g.callerId, action: g.action, values });
  },
  action_result(ws, m) {
    if (!typeCheck(ws, m, [[true, 'action', 'string'], [false, 'id', 'string'], [false, 'values', 'dict'],
      [true, 'status', 'int'], [true, 'result', 'bool']])) return;
    const g = goals.get(m.id);
    if (!g || g.advertiser !== ws) return violation(ws, `action_result for unknown goal ${m.id}`, m);
    const def = actionDefs.get(g.type);
    if (m.status < 0 || m.status > 6) return violation(ws, `action_result: status ${m.status} is not a GoalStatus`, m);
    goals.delete(m.id);
    if (m.result) {
      if (![4, 5, 6].includes(m.status)) violation(ws, `action_result: status ${m.status} is not terminal`, m);
      const [values, err] = populate(def.result, m.values, 'result');
      if (err) return violation(ws, err, m);
      send(g.caller, { op: 'action_result', id: g.callerId, action: g.action, values, status: m.status, result: true });
    } else {
      // rosbridge: result false aborts the ROS goal; its caller gets ABORTED with an empty result
      const [empty] = populate(def.result, {}, 'result');
      send(g.caller, { op: 'action_result', id: g.callerId, action: g.action, values: empty, status: 6, result: true });
    }
  },
  advertise(ws, m) {
    typeCheck(ws, m, [[true, 'topic', 'string'], [true, 'type', 'string']]);
  },
  unadvertise() {},
  subscribe(ws, m) {
    if (!typeCheck(ws, m, [[true, 'topic', 'string'], [false, 'type', 'string']])) return;
    if (!subscribers.has(m.topic)) subscribers.set(m.topic, new Set());
    subscribers.get(m.topic).add(ws);
    out(`SUBSCRIBED ${m.topic} by#${ws.clientId}`);
  },
  unsubscribe(ws, m) {
    subscribers.get(m.topic)?.delete(ws);
  },
  publish(ws, m) {
    if (!typeCheck(ws, m, [[true, 'topic', 'string'], [true, 'msg', 'dict']])) return;
    for (const s of subscribers.get(m.topic) ?? []) send(s, { op: 'publish', topic: m.topic, msg: m.msg });
  },
};

const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: MAX_FRAME });
wss.on('connection', (ws) => {
  ws.clientId = nextClient++;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return violation(ws, 'binary frame', null);
    const text = data.toString('utf8');
    if (trace) out(`TRACE from#${ws.clientId} ${text}`);
    let m;
    try { m = JSON.parse(text); } catch (e) { return violation(ws, `not JSON: ${e.message}`, text.slice(0, 200)); }
    const h = handlers[m?.op];
    if (!h) return violation(ws, `unknown op ${JSON.stringify(m?.op)}`, m);
    h(ws, m);
  });
  ws.on('close', () => abortGoalsOf(ws));
});
wss.on('listening', () => out(`LISTENING ${wss.address().port}`));
const shutdown = () => { for (const c of wss.clients) c.terminate(); wss.close(() => process.exit(0)); };
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
