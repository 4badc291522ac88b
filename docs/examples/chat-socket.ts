import WebSocket from 'ws';

// Node 20 has no WebSocket of its own; browsers and Node 22 do (the same code works with it).
const ws = (process.env.BASE ?? 'http://127.0.0.1:8000').replace(/^http/, 'ws');
const socket = new WebSocket(`${ws}/ws/chat/${process.env.PEER_ID}/?token=${process.env.ACCESS}`);

socket.on('open', () => socket.send(JSON.stringify({ message: 'Hello over a socket' })));
socket.on('message', (data) => {
  // A text frame arrives as one Buffer (ws's default binaryType).
  const event = JSON.parse((data as Buffer).toString('utf8')) as { type?: string };
  if (event.type !== 'chat_message') return;
  console.log(JSON.stringify(event));
  socket.close();
});
socket.on('close', (code, reason) => {
  if (code >= 4000) console.error(`refused: ${code} ${reason.toString('utf8')}`);
});
