// An action server written with roslib 2.1.0: advertises deliberate_msgs/action/Reason through a rosbridge server
// (or the relay fixture) and answers every goal with a fixed decision, after one feedback message. Used to prove the
// relay with roslib on both sides, and as the reference in the round-trip benchmark.
//
// usage: node advertiser.mjs --url ws://127.0.0.1:PORT [--action /deliberate/reason] [--delay-ms N]
// prints "READY" once the advertisement was sent.
import { Ros, Action } from 'roslib';

const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : d; };
const ros = new Ros({ url: opt('--url') });
const delayMs = Number(opt('--delay-ms', '0'));
await new Promise((resolve, reject) => { ros.on('connection', resolve); ros.on('error', reject); });

const action = new Action({ ros, name: opt('--action', '/deliberate/reason'), actionType: 'deliberate_msgs/action/Reason' });
const timers = new Map();
action.advertise(
  (goal, id) => {
    action.sendFeedback(id, { phase: 'thinking', thinking_excerpt: `task: ${goal.task}`, thinking_tokens: 1 });
    const answer = () => {
      timers.delete(id);
      action.setSucceeded(id, { decision_json: '{"action":"stop"}', rationale: 'roslib advertiser', fallback_used: false, finish: 'STOP' });
    };
    if (delayMs > 0) timers.set(id, setTimeout(answer, delayMs)); else answer();
  },
  (id) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    action.setCanceled(id, { decision_json: '', rationale: 'cancelled', fallback_used: false, finish: 'CANCELLED' });
  },
);
process.stdout.write('READY\n');
process.on('SIGTERM', () => { ros.close(); process.exit(0); });
