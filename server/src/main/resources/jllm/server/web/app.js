'use strict';
/* The chat page: streams answers from /v1/chat/completions with per-token log-probabilities. */
(() => {
  const $ = (id) => document.getElementById(id);
  const log = $('log'), input = $('input'), tip = $('tip'), status = $('status');
  let history = [];      // [{role, content}]
  let controller = null; // aborts the running request
  let cards = {};        // model id -> its card (/v1/models "meta")

  const saved = sessionStorage.getItem('jllm.apikey');
  if (saved) $('apikey').value = saved;
  $('apikey').addEventListener('change', () => { sessionStorage.setItem('jllm.apikey', $('apikey').value); loadModels(); });

  function headers() {
    const h = { 'Content-Type': 'application/json' };
    const key = $('apikey').value.trim();
    if (key) h.Authorization = 'Bearer ' + key;
    return h;
  }

  async function loadModels() {
    try {
      const r = await fetch('/v1/models', { headers: headers() });
      const j = await r.json();
      if (!r.ok) throw new Error(j.error ? j.error.message : r.statusText);
      const sel = $('model');
      const current = sel.value;
      sel.replaceChildren();
      cards = {};
      for (const m of j.data) {
        const o = document.createElement('option');
        o.value = m.id;
        o.textContent = m.id;
        sel.appendChild(o);
        if (m.meta) cards[m.id] = m.meta;
      }
      if (current) sel.value = current;
      status.textContent = '';
      showEmpty();
    } catch (e) {
      status.textContent = 'cannot list models: ' + e.message;
    }
  }

  function count(n) {
    return n >= 1e9 ? (n / 1e9).toFixed(1) + ' B' : n >= 1e6 ? (n / 1e6).toFixed(1) + ' M' : n >= 1e3 ? (n / 1e3).toFixed(1) + ' K' : String(n);
  }

  // Before the first message: what the chosen model is and what it can do, from its card.
  function showEmpty() {
    if (history.length || controller) return;
    const id = $('model').value;
    if (!id) return;
    const c = cards[id] || { name: id };
    const box = document.createElement('div');
    box.id = 'empty';
    const title = document.createElement('h2');
    title.textContent = c.name;
    const kind = document.createElement('p');
    kind.className = 'kind';
    const facts = [];
    if (c.name !== id) facts.push('served as ' + id);
    if (c.architecture) facts.push(c.architecture + ' architecture');
    if (c.parameters) facts.push(count(c.parameters) + ' parameters');
    if (c.context_length) facts.push('trained context ' + c.context_length + ' tokens');
    if (c.chat_template !== undefined) facts.push(c.chat_template ? 'has a chat template' : 'no chat template (messages are sent as ChatML)');
    kind.textContent = facts.join(' · ');
    const what = document.createElement('p');
    what.className = 'what';
    what.textContent = c.description
      || (c.chat_template === false
        ? 'Without a chat template it is most likely a base model: it continues text rather than answering; start a sentence and let it go on.'
        : 'Send it a message to see what it can do.');
    const hint = document.createElement('p');
    hint.className = 'note';
    hint.textContent = 'Answers stream token by token; hover a word to see how likely it was and the alternatives.';
    box.append(title, kind, what, hint);
    log.replaceChildren(box);
  }

  function bubble(role) {
    const empty = $('empty');
    if (empty) empty.remove();
    const d = document.createElement('div');
    d.className = 'msg ' + role;
    const who = document.createElement('div');
    who.className = 'who';
    who.textContent = role;
    const body = document.createElement('div');
    body.className = 'body';
    d.append(who, body);
    log.appendChild(d);
    log.scrollTop = log.scrollHeight;
    return body;
  }

  function utf8Length(cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }

  // Char ranges of each token in content, from the tokens' UTF-8 bytes.
  function tokenRanges(content, entries) {
    const starts = []; // byte offset at which each UTF-16 index starts
    let b = 0;
    for (let ci = 0; ci < content.length; ci++) {
      const cp = content.codePointAt(ci);
      starts.push(b);
      if (cp > 0xffff) { starts.push(b); ci++; }
      b += utf8Length(cp);
    }
    starts.push(b);
    const charAt = (byte) => {
      let lo = 0, hi = starts.length - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (starts[mid] < byte) lo = mid + 1; else hi = mid; }
      return lo;
    };
    const out = [];
    let pos = 0;
    for (const e of entries) {
      const n = e.bytes ? e.bytes.length : new TextEncoder().encode(e.token).length;
      const s = charAt(pos);
      pos += n;
      out.push({ start: s, end: charAt(pos), p: Math.exp(e.logprob), entry: e });
    }
    return out;
  }

  function describe(t) {
    const e = t.entry;
    let s = JSON.stringify(e.token) + '  p=' + (100 * t.p).toFixed(1) + '%';
    for (const a of e.top_logprobs || []) {
      s += '\n  ' + JSON.stringify(a.token) + '  ' + (100 * Math.exp(a.logprob)).toFixed(1) + '%';
    }
    return s;
  }

  function show(body, content, entries) {
    const ranges = tokenRanges(content, entries);
    body.replaceChildren(Markdown.render(content, ranges));
    body.tokens = ranges;
  }

  log.addEventListener('mouseover', (ev) => {
    const span = ev.target.closest && ev.target.closest('.tok');
    if (!span) return;
    const body = span.closest('.body');
    const t = body && body.tokens && body.tokens[Number(span.dataset.tok)];
    if (!t) return;
    tip.textContent = describe(t);
    tip.hidden = false;
    const r = span.getBoundingClientRect();
    tip.style.left = Math.max(4, Math.min(r.left, window.innerWidth - tip.offsetWidth - 4)) + 'px';
    tip.style.top = (r.bottom + 6 + tip.offsetHeight > window.innerHeight ? r.top - tip.offsetHeight - 6 : r.bottom + 6) + 'px';
  });
  log.addEventListener('mouseout', (ev) => {
    if (ev.target.closest && ev.target.closest('.tok')) tip.hidden = true;
  });

  function number(id) {
    const v = $(id).value.trim();
    return v === '' ? undefined : Number(v);
  }

  async function send(text) {
    // this conversation's turns: "New chat" starts another array, so a reply cut off by it stays here
    const conversation = history;
    conversation.push({ role: 'user', content: text });
    bubble('user').textContent = text;
    const body = bubble('assistant');
    body.parentElement.dataset.state = 'streaming';
    const messages = [];
    const system = $('system').value.trim();
    if (system) messages.push({ role: 'system', content: system });
    messages.push(...conversation);
    const req = {
      model: $('model').value || undefined, messages, stream: true, logprobs: true, top_logprobs: 3,
      stream_options: { include_usage: true },
      temperature: number('temperature'), top_p: number('top_p'), max_tokens: number('max_tokens'), seed: number('seed'),
    };
    controller = new AbortController();
    $('send').hidden = true;
    $('stop').hidden = false;
    let content = '';
    const entries = [];
    let finish = null, usage = null, pending = false;
    const t0 = performance.now();
    let tFirst = null;
    const redraw = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; show(body, content, entries); log.scrollTop = log.scrollHeight; });
    };
    try {
      const r = await fetch('/v1/chat/completions', { method: 'POST', headers: headers(), body: JSON.stringify(req), signal: controller.signal });
      if (!r.ok) {
        let msg = r.status + ' ' + r.statusText;
        try { const j = await r.json(); if (j.error) msg = j.error.message; } catch (_) { /* not JSON */ }
        throw new Error(msg);
      }
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
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
            const data = line.slice(6);
            if (data === '[DONE]') continue;
            const chunk = JSON.parse(data);
            if (chunk.error) throw new Error(chunk.error.message);
            if (chunk.usage) usage = chunk.usage;
            const ch = chunk.choices && chunk.choices[0];
            if (!ch) continue;
            if (ch.delta && ch.delta.content) {
              if (tFirst === null) tFirst = performance.now();
              content += ch.delta.content;
            }
            if (ch.logprobs && ch.logprobs.content) entries.push(...ch.logprobs.content);
            if (ch.finish_reason) finish = ch.finish_reason;
          }
          redraw();
        }
      }
      show(body, content, entries);
      const secs = (performance.now() - (tFirst || t0)) / 1000;
      status.textContent = (usage ? usage.completion_tokens + ' tokens, ' + (usage.completion_tokens / Math.max(secs, 1e-3)).toFixed(1)
        + ' tokens/s, ' : '') + 'first token after ' + Math.round((tFirst || performance.now()) - t0) + ' ms'
        + (finish ? ' (' + finish + ')' : '');
      body.parentElement.dataset.state = 'done';
    } catch (e) {
      show(body, content, entries);
      if (e.name === 'AbortError') {
        const note = document.createElement('div');
        note.className = 'note';
        note.textContent = '(stopped)';
        // beside the body, not in it: a render still queued for the body would replace its children
        body.after(note);
        body.parentElement.dataset.state = 'stopped';
      } else {
        body.parentElement.classList.add('error');
        const note = document.createElement('div');
        note.textContent = 'error: ' + e.message;
        body.appendChild(note);
        body.parentElement.dataset.state = 'error';
      }
    } finally {
      conversation.push({ role: 'assistant', content });
      controller = null;
      $('send').hidden = false;
      $('stop').hidden = true;
    }
  }

  $('composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text || controller) return;
    input.value = '';
    send(text);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); $('composer').requestSubmit(); }
  });
  $('stop').addEventListener('click', () => { if (controller) controller.abort(); });
  $('new').addEventListener('click', () => {
    if (controller) controller.abort();
    history = [];
    log.replaceChildren();
    status.textContent = '';
    showEmpty();
  });
  $('model').addEventListener('change', showEmpty);
  loadModels();
})();
