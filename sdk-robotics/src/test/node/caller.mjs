// A ROS client written with roslib 2.1.0 (the judge of the rosbridge wire format): sends Reason goals through a
// rosbridge server (or the relay fixture) and prints what comes back, one JSON line per goal.
//
// usage: node caller.mjs --url ws://127.0.0.1:PORT (--plan '{...}' | --plan-file PLAN.json)
// plan: {"action":"/deliberate/reason","type":"deliberate_msgs/action/Reason","timeoutMs":10000,
//        "concurrent":false, "subscribe":"/deliberate/decision", "awaitDecisions":N,
//        "publish":[{"topic":"/t","type":"std_msgs/msg/String","msg":{"data":"..."}}],
//        "goals":[{"args":{...},"cancelAfterMs":N,"cancelOnFeedback":true,"action":"/other/name"}]}
// prints: "GOAL {index, ok, status, result, error, feedback:[...], elapsedMs}" per goal, then "DONE {decisions:[...]}"
import { readFileSync } from 'node:fs';
import { Ros, Action, Topic } from 'roslib';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const url = opt('--url');
const plan = JSON.parse(opt('--plan') ?? readFileSync(opt('--plan-file'), 'utf8'));
const ros = new Ros({ url });
const out = (tag, obj) => process.stdout.write(`${tag} ${JSON.stringify(obj)}\n`);

await new Promise((resolve, reject) => {
  ros.on('connection', resolve);
  ros.on('error', reject);
});

const decisions = [];
let decisionTopic;
if (plan.subscribe) {
  decisionTopic = new Topic({ ros, name: plan.subscribe, messageType: 'std_msgs/msg/String' });
  decisionTopic.subscribe((m) => decisions.push(m.data));
}
for (const p of plan.publish ?? []) {
  const t = new Topic({ ros, name: p.topic, messageType: p.type });
  t.publish(p.msg);
}
// subscriptions and publications reach the bridge before the goals: same socket, so order is kept

const actions = new Map();
const actionFor = (name) => {
  if (!actions.has(name)) actions.set(name, new Action({ ros, name, actionType: plan.type }));
  return actions.get(name);
};

function runGoal(g, index) {
  const action = actionFor(g.action ?? plan.action);
  return new Promise((resolve) => {
    const feedback = [];
    const t0 = performance.now();
    let id;
    let done = false;
    const finish = (rec) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ index, feedback, elapsedMs: performance.now() - t0, ...rec });
    };
    const timer = setTimeout(() => finish({ ok: false, error: 'timeout' }), plan.timeoutMs ?? 10000);
    id = action.sendGoal(
      g.args,
      (result) => finish({ ok: true, result }),
      (fb) => {
        feedback.push(fb);
        if (g.cancelOnFeedback && feedback.length === 1) action.cancelGoal(id);
      },
      (error) => finish({ ok: false, error: String(error) }),
    );
    if (g.cancelAfterMs !== undefined) setTimeout(() => action.cancelGoal(id), g.cancelAfterMs);
  });
}

if (plan.concurrent) {
  const results = await Promise.all(plan.goals.map(runGoal));
  results.forEach((r) => out('GOAL', r));
} else {
  for (let i = 0; i < plan.goals.length; i++) out('GOAL', await runGoal(plan.goals[i], i));
}
// wait (bounded) for the decisions published after the results; they follow the results on the same socket
const until = Date.now() + (plan.timeoutMs ?? 10000);
while (decisions.length < (plan.awaitDecisions ?? 0) && Date.now() < until) {
  await new Promise((r) => setTimeout(r, 5));
}
out('DONE', { decisions });
ros.close();
process.exit(0);
