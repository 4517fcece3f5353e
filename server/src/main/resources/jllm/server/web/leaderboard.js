'use strict';
/* The leaderboard page: ratings, intervals, votes and the win-rate matrix from /arena/api/leaderboard. */
(() => {
  const $ = (id) => document.getElementById(id);

  function cell(row, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  async function load() {
    try {
      const r = await fetch('/arena/api/leaderboard');
      const j = await r.json();
      if (!r.ok) throw new Error(j.error ? j.error.message : r.statusText);
      $('summary').textContent = j.battles + (j.battles === 1 ? ' vote' : ' votes')
        + (j.rows.some((m) => !m.rated) ? '; a rating is shown once its model has ' + j.min_votes
          + ' votes with at least one win and one loss' : '');
      const body = $('board').querySelector('tbody');
      body.replaceChildren();
      for (const m of j.rows) {
        const tr = document.createElement('tr');
        tr.dataset.model = m.model;
        tr.dataset.rated = String(m.rated);
        cell(tr, m.rated ? String(m.rank) : '–');
        cell(tr, m.model, 'model');
        if (m.rated) {
          cell(tr, m.rating.toFixed(0), 'rating');
          cell(tr, m.lower.toFixed(0) + ' to ' + m.upper.toFixed(0), 'interval');
          cell(tr, m.elo.toFixed(0));
        } else {
          const why = cell(tr, m.unrated, 'rating unrated');
          why.colSpan = 3;
        }
        cell(tr, String(m.votes), 'votes');
        body.appendChild(tr);
      }
      const head = $('matrix').querySelector('thead');
      const mbody = $('matrix').querySelector('tbody');
      head.replaceChildren();
      mbody.replaceChildren();
      const hr = document.createElement('tr');
      const corner = document.createElement('th');
      hr.appendChild(corner);
      for (const m of j.matrix.models) {
        const th = document.createElement('th');
        th.textContent = m;
        hr.appendChild(th);
      }
      head.appendChild(hr);
      j.matrix.models.forEach((m, i) => {
        const tr = document.createElement('tr');
        const th = document.createElement('th');
        th.className = 'model';
        th.textContent = m;
        tr.appendChild(th);
        j.matrix.win_rate[i].forEach((v, k) => {
          cell(tr, v === null ? '' : (100 * v).toFixed(0) + '% of ' + j.matrix.battles[i][k]);
        });
        mbody.appendChild(tr);
      });
      $('picture').src = '/arena/api/leaderboard.svg?n=' + j.battles;
      $('status').textContent = '';
    } catch (e) {
      $('status').textContent = 'cannot load the leaderboard: ' + e.message;
    }
  }
  load();
})();
