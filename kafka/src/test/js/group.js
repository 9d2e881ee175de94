// kafkajs consumer group against onelog serve, run by KafkajsTest: node group.js BOOTSTRAP TOPIC GROUP COUNT
// Joins GROUP, consumes TOPIC from the beginning until COUNT messages arrived, commits, and prints
// one JSON line with the values it read.
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, groupId, countText] = process.argv.slice(2);
const count = Number(countText);
const kafka = new Kafka({ clientId: 'kafkajs-group', brokers: [bootstrap], logLevel: logLevel.ERROR });

(async () => {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out after ' + values.length)), 30000);
    consumer
      .run({
        autoCommit: true,
        eachMessage: async ({ message }) => {
          values.push(message.value.toString());
          if (values.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect(); // commits what autoCommit holds, then leaves the group
  console.log(JSON.stringify({ step: 'consumed', values }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
