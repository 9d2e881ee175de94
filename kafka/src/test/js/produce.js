// kafkajs against onelog serve, run by KafkajsTest: node produce.js BOOTSTRAP TOPIC COUNT
// Produces COUNT keyed records with a header (acks=all, gzip), then lists the topic's offsets
// with the admin client; prints one JSON line per step on standard output.
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

const [bootstrap, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const kafka = new Kafka({ clientId: 'kafkajs-test', brokers: [bootstrap], logLevel: logLevel.ERROR });

(async () => {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    messages.push({ key: 'k' + i, value: 'v' + i, headers: { n: String(i) } });
  }
  const acks = await producer.send({ topic, acks: -1, messages });
  const gzipped = await producer.send({
    topic,
    acks: -1,
    compression: CompressionTypes.GZIP,
    messages: [{ key: 'zipped', value: 'by gzip' }],
  });
  console.log(JSON.stringify({ step: 'produced', acks, gzipped }));
  await producer.disconnect();

  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  console.log(JSON.stringify({ step: 'offsets', offsets }));
  await admin.disconnect();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
