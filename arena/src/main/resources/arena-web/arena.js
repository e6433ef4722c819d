// Battle page: anonymous (models sampled by the server, hidden until the vote) or named.
// All model and user text is inserted with textContent, never as HTML.
(function () {
  const mode = document.body.dataset.mode;
  const $ = (id) => document.getElementById(id);
  const voteButtons = ['leftvote', 'rightvote', 'tievote', 'bothbad_vote'].map($);
  let battle = null;
  let finished = { a: true, b: true };
  let streams = [];

  function status(t) { $('status').textContent = t; }
  function setVotes(on) { voteButtons.forEach((b) => (b.disabled = !on)); $('regenerate').disabled = !on; }

  function addMsg(side, role, text) {
    const d = document.createElement('div');
    d.className = 'msg ' + role;
    d.textContent = text;
    $('chat-' + side).appendChild(d);
    return d;
  }

  async function api(method, path, body) {
    const r = await fetch(path, { method, headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const j = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
    return j;
  }

  async function newRound() {
    streams.forEach((s) => s.close());
    ['a', 'b'].forEach((s) => { $('chat-' + s).textContent = ''; });
    $('label-a').textContent = 'Model A';
    $('label-b').textContent = 'Model B';
    setVotes(false);
    $('send').disabled = false;
    $('text').disabled = false;
    battle = null;
    status('');
  }

  async function ensureBattle() {
    if (battle) return battle;
    const body = mode === 'named'
      ? { anony: false, model_a: $('pick-a').value, model_b: $('pick-b').value }
      : { anony: true };
    battle = await api('POST', '/api/battles', body);
    return battle;
  }

  function streamSide(side) {
    return new Promise((resolve) => {
      const box = addMsg(side, 'assistant', '');
      const es = new EventSource('/api/battles/' + battle.id + '/stream/' + side);
      streams.push(es);
      es.addEventListener('delta', (e) => { box.textContent += JSON.parse(e.data); });
      es.addEventListener('done', () => { es.close(); resolve(true); });
      es.addEventListener('failed', (e) => { es.close(); status('model ' + side.toUpperCase() + ' failed: ' + JSON.parse(e.data)); resolve(false); });
      es.onerror = () => { es.close(); resolve(false); };
    });
  }

  async function streamBoth() {
    setVotes(false);
    $('send').disabled = true;
    status('models are answering…');
    await Promise.all([streamSide('a'), streamSide('b')]);
    // the four votes, Regenerate and sending again unlock together once both replies ended
    setVotes(true);
    $('send').disabled = false;
    if ($('status').textContent === 'models are answering…') status('Vote, or keep chatting.');
  }

  async function send() {
    const text = $('text').value;
    if (!text.trim()) return;
    try {
      await ensureBattle();
      const r = await api('POST', '/api/battles/' + battle.id + '/messages', { text });
      const shown = r.moderated ? '$MODERATION$ YOUR INPUT VIOLATES OUR CONTENT MODERATION GUIDELINES.' : text;
      addMsg('a', 'user', shown);
      addMsg('b', 'user', shown);
      $('text').value = '';
      await streamBoth();
    } catch (e) { status(e.message); }
  }

  async function vote(type) {
    try {
      const r = await api('POST', '/api/battles/' + battle.id + '/vote', { type });
      $('label-a').textContent = 'Model A: ' + r.model_a;
      $('label-b').textContent = 'Model B: ' + r.model_b;
      setVotes(false);
      $('send').disabled = true;
      $('text').disabled = true;
      status('Thanks for voting! Press 🎲 New Round to battle again.');
    } catch (e) { status(e.message); }
  }

  async function regenerate() {
    try {
      await api('POST', '/api/battles/' + battle.id + '/regenerate');
      ['a', 'b'].forEach((s) => { const c = $('chat-' + s); c.removeChild(c.lastChild); });
      await streamBoth();
    } catch (e) { status(e.message); }
  }

  async function init() {
    if (mode === 'named') {
      $('title').textContent = '⚔️ Chatbot Arena (side-by-side)';
      $('pickers').hidden = false;
      const { models } = await api('GET', '/api/models');
      models.forEach((m, i) => {
        for (const [sel, pick] of [['pick-a', 0], ['pick-b', 1]]) {
          const o = document.createElement('option');
          o.value = m; o.textContent = m;
          if (i === pick) o.selected = true;
          $(sel).appendChild(o);
        }
      });
      ['pick-a', 'pick-b'].forEach((id) => $(id).addEventListener('change', newRound));
    }
    $('send').addEventListener('click', send);
    voteButtons.forEach((b) => b.addEventListener('click', () => vote(b.id)));
    $('regenerate').addEventListener('click', regenerate);
    $('newround').addEventListener('click', newRound);
  }
  init();
})();
