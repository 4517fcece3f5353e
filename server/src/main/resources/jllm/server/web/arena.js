'use strict';
/* The arena page: one prompt, two anonymous streamed answers, a vote, then the names. All model text is
   set with textContent, never parsed as HTML. */
(() => {
  const $ = (id) => document.getElementById(id);
  const status = $('status'), promptBox = $('prompt');
  const voteButtons = ['vote-a', 'vote-b', 'vote-tie', 'vote-bad'].map($);
  let battle = null;   // the current battle's id
  let finished = 0;    // answers ended in the current battle
  let failed = false;  // whether one of them failed or was cut short (then the battle takes no vote)

  const savedKey = sessionStorage.getItem('jllm.apikey');
  if (savedKey) $('apikey').value = savedKey;
  $('apikey').addEventListener('change', () => sessionStorage.setItem('jllm.apikey', $('apikey').value));

  function headers() {
    const h = { 'Content-Type': 'application/json' };
    const key = $('apikey').value.trim();
    if (key) h.Authorization = 'Bearer ' + key;
    return h;
  }

  async function postJson(path, body) {
    const r = await fetch(path, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
    let j = null;
    try { j = await r.json(); } catch (e) { /* not JSON */ }
    if (!r.ok) throw new Error(j && j.error ? j.error.message : r.status + ' ' + r.statusText);
    return j;
  }

  function reset() {
    for (const s of ['a', 'b']) {
      const side = $('side-' + s);
      side.querySelector('.name').textContent = '';
      const ans = side.querySelector('.answer');
      ans.textContent = '';
      ans.dataset.state = 'empty';
    }
    voteButtons.forEach((b) => { b.disabled = true; b.classList.remove('chosen'); });
    $('again').hidden = true;
    finished = 0;
    failed = false;
    battle = null;
  }

  async function stream(id, side) {
    const ans = $('side-' + side).querySelector('.answer');
    ans.dataset.state = 'streaming';
    try {
      const r = await fetch('/arena/api/battles/' + id + '/answer/' + side, { method: 'POST', headers: headers() });
      if (!r.ok) {
        let msg = r.status + ' ' + r.statusText;
        try { const j = await r.json(); if (j.error) msg = j.error.message; } catch (e) { /* keep */ }
        throw new Error(msg);
      }
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      let text = '';
      let complete = false; // the server says "done" once the whole answer is stored
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const event = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          for (const line of event.split('\n')) {
            if (!line.startsWith('data: ')) continue;
            const d = JSON.parse(line.slice(6));
            if (typeof d.text === 'string') {
              text += d.text;
              ans.textContent = text; // text, never HTML
            }
            if (d.error) throw new Error(d.error);
            if (d.done) complete = true;
          }
        }
      }
      if (!complete) throw new Error('the answer was cut short');
      ans.dataset.state = 'done';
    } catch (e) {
      ans.dataset.state = 'error';
      failed = true;
      status.textContent = 'answer ' + side.toUpperCase() + ' failed (' + e.message + '): this battle cannot be judged; ask again';
    }
    finished++;
    if (finished === 2 && battle === id && !failed) {
      voteButtons.forEach((b) => { b.disabled = false; });
      status.textContent = 'Which answer is better?';
    }
  }

  async function ask(ev) {
    ev.preventDefault();
    const prompt = promptBox.value.trim();
    if (!prompt) return;
    reset();
    $('fight').disabled = true;
    status.textContent = 'pairing two models...';
    try {
      const j = await postJson('/arena/api/battles', { prompt });
      battle = j.id;
      status.textContent = 'both models are answering...';
      await Promise.all([stream(j.id, 'a'), stream(j.id, 'b')]);
    } catch (e) {
      status.textContent = 'cannot start a battle: ' + e.message;
    } finally {
      $('fight').disabled = false;
    }
  }

  async function vote(ev) {
    const button = ev.currentTarget;
    if (battle === null) return;
    voteButtons.forEach((b) => { b.disabled = true; });
    try {
      const j = await postJson('/arena/api/battles/' + battle + '/vote', { winner: button.dataset.winner });
      button.classList.add('chosen');
      $('side-a').querySelector('.name').textContent = j.model_a;
      $('side-b').querySelector('.name').textContent = j.model_b;
      status.textContent = 'Thanks! Your vote is stored.';
      $('again').hidden = false;
      battle = null;
    } catch (e) {
      status.textContent = 'the vote failed: ' + e.message;
    }
  }

  $('ask').addEventListener('submit', ask);
  promptBox.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('ask').requestSubmit(); }
  });
  voteButtons.forEach((b) => b.addEventListener('click', vote));
  $('again').addEventListener('click', () => { reset(); promptBox.value = ''; promptBox.focus(); status.textContent = ''; });
})();
