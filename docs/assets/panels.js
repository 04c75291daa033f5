/*
 * Live panels: each <div class="ds24-panel" data-panel="NAME"> does its step on the reader's
 * own sandbox. Server data only ever becomes text (textContent), never HTML. Words come from
 * #ds24-panel-messages (docs/hooks/panel_messages.py), in the page's language. The current
 * Zap and a few choices live in localStorage: progress follows the reader across pages and
 * languages, and "done" states are read back from the server.
 */
(() => {
"use strict";

// Every call the panels make. tests/docs/test_panels_api.py reads this table.
const API = {
  health: "GET /api/health",
  products: "GET /api/products",
  addProduct: "POST /api/products",
  connections: "GET /api/connections",
  zapier: "GET /api/zapier",
  connect: "POST /api/zapier/connect",
  triggers: "GET /api/zapier/triggers",
  createZap: "POST /api/zaps",
  zap: "GET /api/zaps/{zap}",
  editZap: "PATCH /api/zaps/{zap}",
  testTrigger: "POST /api/zaps/{zap}/test",
  testAction: "POST /api/zaps/{zap}/test-action",
  on: "POST /api/zaps/{zap}/on",
  off: "POST /api/zaps/{zap}/off",
  runs: "GET /api/zaps/{zap}/runs?limit=5",
  sheet: "GET /api/zaps/{zap}/sheet",
  sheetCsv: "GET /api/zaps/{zap}/sheet.csv",
  outbox: "GET /api/zapier/outbox",
  pay: "POST /api/test-payments",
  orderAction: "POST /api/orders/{order}/{action}",
  eticketUpdate: "POST /api/etickets/{ticket}/update",
  affiliate: "POST /api/affiliates",
  events: "GET /api/events?limit=8",
  scenarios: "GET /api/scenarios",
  runScenario: "POST /api/scenarios/{scenario}/run",
  stream: "GET /api/stream",
};
const STREAM_KINDS = ["event", "attempt", "reception", "zap", "product", "connection"];
const KEY = "ds24-panels";
const D = document;
const P = {}; // the panels, by name: P.name = (ui) => promise
let C = {}; // the page's configuration and words
let L = "fr";
let base = null; // promise of the API's base URL
let B = ""; // that URL, once known
let ES = null; // the page's one EventSource
let subs = [];
let mounted = [];
let chain = Promise.resolve();
let uid = 0;

// --- words and DOM
const t = (key, params) => {
  const text = (C.messages || {})["panel." + key];
  if (text == null) return key;
  return text.replace(/\{(\w+)\}/g, (all, name) => (params && params[name] != null ? String(params[name]) : all));
};
const add = (el, kids) => {
  [].concat(kids == null ? [] : kids).forEach((kid) => {
    if (kid != null && kid !== false) el.appendChild(typeof kid === "object" ? kid : D.createTextNode(String(kid)));
  });
  return el;
};
const clear = (el, kids) => { el.textContent = ""; return add(el, kids); };
const h = (tag, attrs, kids) => {
  const el = D.createElement(tag);
  Object.entries(attrs || {}).forEach(([name, value]) => {
    if (value == null || value === false) return;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (["checked", "value", "selected"].includes(name)) el[name] = value;
    else el.setAttribute(name, value === true ? "" : value);
  });
  return add(el, kids);
};
const nid = () => "ds24-f" + ++uid;
const button = (type, text, primary, onclick) =>
  h("button", { type, class: "md-button" + (primary ? " md-button--primary" : ""), onclick }, text);
const btn = (text, onclick, primary) => button("button", text, primary, onclick);
const submit = (text, primary) => button("submit", text, primary);
const form = (attrs, kids, onsubmit) =>
  h("form", Object.assign({ onsubmit: (ev) => { ev.preventDefault(); onsubmit(); } }, attrs), kids);
const choice = (input, label, about) =>
  h("label", { class: "ds24-choice" }, [input, " ", h("span", {}, label), about ? h("span", { class: "ds24-help" }, about) : null]);
const group = (legend, kids) => h("fieldset", {}, [h("legend", {}, legend)].concat(kids));
const labelled = (text, input) => h("label", { class: "ds24-field" }, [h("span", {}, text), input]);
const para = (kids) => h("p", {}, kids);
const help = (kids) => h("p", { class: "ds24-help" }, kids);
const note = () => h("p", { role: "status" }); // announces a result's one-line summary
const table = (head, rows) =>
  h("div", { class: "ds24-scroll" }, h("table", {}, [
    h("thead", {}, h("tr", {}, head.map((cell) => h("th", { scope: "col" }, cell)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, row.map((cell) => h("td", {}, cell))))),
  ]));
const text = (value) => (value == null ? "" : String(value));
const fieldTable = (record) =>
  table([t("col.field"), t("col.value")], Object.entries(record || {}).map(([name, value]) => [h("code", {}, name), text(value)]));
const stepLink = (n) => h("a", { href: (C.links || {})[n] || "#" }, t("step", { n }));
const when = (value) => {
  const date = new Date(typeof value === "number" ? value * 1000 : value);
  return isNaN(date) ? "" : date.toLocaleString(L);
};
const reason = (r) => (r && r.text ? r.text[L] || r.text.en || "" : "");
const has = (record, name) => Object.prototype.hasOwnProperty.call(record, name);
const find = (list, key, value) => list.find((item) => item[key] === value);
const never = () => new Promise(() => {});

// --- progress
const st = () => { try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; } };
const put = (values) => {
  try {
    localStorage.setItem(KEY, JSON.stringify(Object.assign(st(), values)));
  } catch (e) {} // private mode: progress lasts for this page only
};
const flags = () => st().flags || {};
const flag = (name) => put({ flags: Object.assign(flags(), { [name]: 1 }) });
const tested = (zap) => ["tested", "on"].includes(zap.state);

// --- the API: the page's own origin first (make run), then the sandbox's usual address (mkdocs serve)
const OFFLINE = { off: true };
const probe = async (url) => {
  const signal = window.AbortSignal && AbortSignal.timeout ? AbortSignal.timeout(4000) : undefined;
  const data = await (await fetch(url + "/api/health", { cache: "no-store", signal })).json();
  if (!data || data.status !== "ok") throw new Error("not the sandbox");
  return (B = url);
};
const where = () => {
  base = base || probe(C.api || "")
    .catch(() => (C.fallback && C.fallback !== (C.api || "") ? probe(C.fallback) : Promise.reject()))
    .catch(() => { base = null; throw OFFLINE; });
  return base;
};
const path = (name, params) => API[name].split(" ")[1].replace(/\{(\w+)\}/g, (all, key) => encodeURIComponent(params[key]));
// Errors come back as { status, code, message }, the server's message in the page's language.
const call = async (name, params, body) => {
  const options = { method: API[name].split(" ")[0], headers: { "Accept-Language": L, Accept: "application/json" }, cache: "no-store" };
  if (body) {
    options.body = JSON.stringify(body);
    options.headers["Content-Type"] = "application/json";
  }
  let r;
  try {
    r = await fetch((await where()) + path(name, params || {}), options);
  } catch (e) { base = null; throw OFFLINE; }
  const data = await r.json().catch(() => ({}));
  if (r.ok) return data;
  const error = data.error || {};
  throw { status: r.status, code: error.code, message: error.message || t("http_error", { status: r.status }) };
};
// Zap edits run one after the other, so quick changes land in the order they were made.
const serial = (task) => { const result = chain.then(task); chain = result.catch(() => {}); return result; };
const getZap = async () => {
  const id = st().zap;
  try {
    return id ? await call("zap", { zap: id }) : null;
  } catch (e) {
    if (e.status !== 404) throw e;
    put({ zap: null, flags: {} }); // another sandbox, or a fresh database: start again
    return null;
  }
};
const editZap = (zap, changes) => serial(() => call("editZap", { zap: zap.id }, changes));
const changed = () => mounted.forEach((ui) => ui.sync && ui.sync());

// --- live stream, shared by the page's panels; EventSource reconnects by itself
let pending = {};
let timer = null;
const tell = (kind) => {
  if (kind === "open" || kind === "lost") return subs.forEach((fn) => fn(kind));
  pending[kind] = 1;
  clearTimeout(timer);
  timer = setTimeout(() => { const kinds = pending; pending = {}; subs.forEach((fn) => fn(kinds)); }, 250);
};
const openStream = (url) => {
  if (ES) return;
  ES = new EventSource(url + path("stream", {}));
  STREAM_KINDS.forEach((kind) => ES.addEventListener(kind, () => tell(kind)));
  ES.onopen = () => tell("open");
  ES.onerror = () => {
    tell("lost");
    if (ES && ES.readyState === 2) {
      // Closed for good (the server went away): try again a little later.
      ES = null;
      setTimeout(() => subs.length && where().then(openStream, () => {}), 3000);
    }
  };
};
const listen = (fn) => { subs.push(fn); where().then(openStream, () => {}); };

// --- panel frame: title, "done" line, body, messages
const frame = (el, name) => {
  const done = h("p", { class: "ds24-done", role: "status" });
  const body = h("div", { class: "ds24-body" });
  const msg = h("p", { class: "ds24-msg", role: "status" });
  let busy = 0;
  el.setAttribute("role", "region");
  el.setAttribute("aria-label", t("title." + name));
  el.setAttribute("tabindex", "-1");
  clear(el, [h("p", { class: "ds24-title" }, [h("span", { class: "ds24-tag" }, t("sandbox")), " ", h("strong", {}, t("title." + name))]), done, body, msg]);
  const ui = {
    el,
    body,
    done(ok, words) { done.textContent = ok ? "✓ " + words : ""; el.classList.toggle("ds24-is-done", !!ok); },
    say(words, bad) { msg.textContent = words || ""; msg.className = "ds24-msg" + (bad ? " ds24-bad" : ""); },
    fail(e) {
      if (!e || !e.off) return ui.say((e && (e.message || e.code)) || String(e), true);
      ui.done(false);
      ui.say("");
      clear(body, h("div", { class: "ds24-off" }, [
        para(t("offline", { url: C.fallback })),
        para([h("code", {}, "make run"), " " + t("offline.or") + " ", h("code", {}, ".venv/bin/ds24-sandbox serve")]),
        btn(t("retry"), () => mount(el, true), true),
      ]));
    },
    // Runs an action: "working…", then nothing or the error. Resolves only on success.
    async go(task) {
      busy += 1;
      ui.say(t("working"));
      try {
        const value = await task();
        if (!--busy) ui.say("");
        return value;
      } catch (e) { busy -= 1; ui.fail(e); return never(); }
    },
  };
  return ui;
};
const needZap = (ui) => getZap().then((zap) => zap || (add(ui.body, help([t("need.trigger") + " ", stepLink("2")])), never()));
const syncZap = (use) => () => getZap().then((zap) => zap && use(zap), () => {});

// --- IPN events: each connection's decision, the signature, each Zap's verdict, the fields
const showEvents = (events, full) =>
  events.map((ev) => {
    const deliveries = ev.deliveries || [];
    return h("div", { class: "ds24-ev" }, [
      h("p", { class: "ds24-ev-head" }, [h("code", {}, ev.event), ev.order_id ? " · " + t("order", { id: ev.order_id }) : "", " · " + when(ev.created_at)]),
      deliveries.length
        ? h("ul", { class: "ds24-list" }, deliveries.map((d) =>
          h("li", { class: d.send ? "ds24-ok" : "ds24-no" }, [
            h("strong", {}, (d.send ? "✓ " : "✗ ") + t("ev.connection", { name: d.connection_name || d.connection_id })),
            " " + ((d.explanation || {})[L] || ""),
            d.send ? h("span", { class: "ds24-help" }, " " + t("delivery." + d.state)) : null,
            d.send && full ? h("span", { class: "ds24-sig" }, ["sha_sign ", h("code", {}, d.sha_sign)]) : null,
            (d.zap_runs || []).length
              ? h("ul", {}, d.zap_runs.map((run) =>
                h("li", { class: "ds24-run-" + run.status }, [
                  h("strong", {}, t("run.line", { zap: run.zap_name, status: t("run." + run.status) })),
                  run.reason ? " " + reason(run.reason) : "",
                ])))
              : null,
          ])))
        : help(t("ev.no_connection")),
      full ? h("details", {}, [h("summary", {}, t("ev.payload", { count: Object.keys(ev.fields || {}).length })), fieldTable(ev.fields)]) : null,
    ]);
  });

// --- step 2: the trigger (creates the reader's Zap)
P.trigger = (ui) =>
  Promise.all([call("triggers"), getZap()]).then(([answer, zap]) => {
    const list = answer.triggers;
    const name = nid();
    const out = h("div");
    const show = (trigger, current) => {
      ui.done(true, t("trigger.done", { trigger: trigger.label, zap: current.name }));
      const options = trigger.options;
      clear(out, [
        para(options.length ? t("trigger.options") : t("trigger.no_options")),
        options.length ? h("ul", {}, options.map((o) => h("li", {}, [h("strong", {}, o.label), " — " + o.help]))) : null,
        para(t("trigger.example")),
        fieldTable((C.examples || {})[trigger.key]),
      ]);
    };
    // A new trigger takes away the old one's options and gives the action its starting templates.
    const choose = (trigger) =>
      ui.go(() => serial(() => getZap().then((current) => {
        if (!current) return call("createZap", {}, { trigger: trigger.key }).then((z) => { put({ zap: z.id, flags: {} }); return z; });
        if (current.trigger === trigger.key) return current;
        return call("editZap", { zap: current.id }, { trigger: trigger.key, options: {}, action: { kind: current.action.kind } });
      }))).then((current) => { show(trigger, current); changed(); });
    add(ui.body, [
      group(t("trigger.pick"), list.map((trigger) => {
        const input = h("input", { type: "radio", name, value: trigger.key, checked: !!zap && zap.trigger === trigger.key, onchange: () => choose(trigger) });
        return choice(input, h("strong", {}, trigger.label), trigger.help);
      })),
      out,
    ]);
    const current = zap && find(list, "key", zap.trigger);
    if (current) show(current, zap);
  });

// --- step 3: connect (the "Zapier" IPN connection appears in the vendor's list)
P.connect = (ui) => {
  const list = h("div", { tabindex: "-1" });
  const show = (status) => {
    ui.done(status.connected, t("connect.done"));
    go.hidden = status.connected;
    return call("connections").then(({ connections }) => {
      const head = [t("col.name"), t("col.url"), t("col.passphrase"), t("col.products"), t("col.active")];
      const rows = connections.map((c) => [h("strong", {}, c.name), h("code", { class: "ds24-url" }, c.url), h("code", {}, c.passphrase),
        c.product_ids.length ? c.product_ids.join(", ") : t("all"), c.active ? t("yes") : t("no")]);
      clear(list, [para(t("connect.list")), rows.length ? table(head, rows) : help(t("connect.none"))]);
    });
  };
  const go = btn(t("connect.button"), () => ui.go(() => call("connect")).then(show).then(() => list.focus()), true);
  add(ui.body, [go, list]);
  return call("zapier").then(show);
};

// --- step 4: products
P.products = (ui) =>
  needZap(ui).then((zap) => {
    const box = h("div");
    const info = h("span", { class: "ds24-help" });
    const state = () => ui.done(zap.product_ids.length > 0, t("products.done", { count: zap.product_ids.length }));
    const save = () => {
      const ids = [...box.querySelectorAll("input:checked")].map((input) => input.value);
      ui.go(() => editZap(zap, { product_ids: ids })).then((z) => { zap = z; state(); changed(); });
    };
    // Like Zapier, the list is read once; only "check digistore24 & reload" reads it again.
    const fill = () =>
      call("products").then(({ products }) => {
        clear(box, group(t("products.pick"), products.map((product) => {
          const input = h("input", { type: "checkbox", value: product.id, checked: zap.product_ids.includes(product.id), onchange: save });
          const about = [product.price_text, t("billing." + product.billing_type), product.etickets ? t("products.etickets") : "", t("products.id", { id: product.id })];
          return choice(input, product.name, about.filter(Boolean).join(" · "));
        })));
        info.textContent = " " + t("products.loaded", { count: products.length, time: new Date().toLocaleTimeString(L) });
      });
    const name = h("input", { type: "text", required: true, maxlength: "200", autocomplete: "off" });
    const price = h("input", { type: "text", inputmode: "decimal", value: "29.00", required: true });
    const billing = h("select", {}, ["single_payment", "subscription"].map((kind) => h("option", { value: kind }, t("billing." + kind))));
    const create = () =>
      ui.go(() => call("addProduct", {}, { name: name.value, price: price.value, billing_type: billing.value })).then((product) => {
        ui.say(t("products.added", { name: product.name, id: product.id }));
        name.value = "";
      });
    add(ui.body, [
      box,
      para([btn(t("products.reload"), () => ui.go(fill)), info]),
      h("details", {}, [
        h("summary", {}, t("products.add")),
        help(t("products.add.help")),
        form({ class: "ds24-row" }, [labelled(t("products.name"), name), labelled(t("products.price"), price),
          labelled(t("products.billing"), billing), submit(t("products.create"))], create),
      ]),
    ]);
    state();
    return fill();
  });

// --- step 5: options (saved on the Zap), and one example event to see the filters at work
P.options = (ui) =>
  Promise.all([needZap(ui), call("triggers")]).then(([zap, answer]) => {
    const trigger = find(answer.triggers, "key", zap.trigger);
    const options = trigger.options;
    const inputs = {};
    const said = note();
    const tries = h("div");
    const state = () => ui.done(!options.length || Object.keys(zap.options).length > 0, options.length ? t("options.done") : t("options.none"));
    const save = () => {
      const chosen = {};
      options.forEach((o) => {
        const boxes = inputs[o.name];
        chosen[o.name] = o.kind === "yes_no" ? boxes[0].checked : boxes.filter((b) => b.checked).map((b) => b.value);
      });
      ui.go(() => editZap(zap, { options: chosen })).then((z) => { zap = z; state(); ui.say(t("options.saved")); changed(); });
    };
    const fields = options.map((o) => {
      const current = has(zap.options, o.name) ? zap.options[o.name] : o.default;
      const name = nid();
      const yesNo = o.kind === "yes_no";
      const boxes = yesNo
        ? [true, false].map((yes) => h("input", { type: "radio", name, value: yes ? "yes" : "no", checked: current === yes }))
        : o.choices.map((c) => h("input", { type: "checkbox", value: c.value, checked: current.includes(c.value) }));
      const labels = yesNo ? [t("yes"), t("no")] : o.choices.map((c) => c.label);
      inputs[o.name] = boxes;
      return group(o.label, [help(o.help)].concat(boxes.map((box, i) => choice(box, labels[i]))));
    });
    // The first product of the Zap; a plan gets a follow-up payment, an e-ticket no holder's name.
    const example = () =>
      call("products").then(({ products }) => {
        const chosen = products.filter((p) => zap.product_ids.includes(p.id));
        const product = (zap.trigger === "eticket" && find(chosen, "etickets", true)) || chosen[0];
        if (!product) throw { message: t("options.need_products") };
        if (zap.trigger === "affiliate") return call("affiliate", {}, { product_id: product.id });
        const plan = product.billing_type !== "single_payment";
        return call("pay", {}, { product_id: product.id, follow_ups: plan ? 1 : 0, incomplete: zap.trigger === "eticket" });
      });
    const send = btn(t("options.try"), () =>
      ui.go(example).then((result) => {
        said.textContent = t("options.tried", { count: result.events.length });
        clear(tries, showEvents(result.events, false));
      }));
    add(ui.body, [
      options.length ? form({}, fields.concat(submit(t("options.save"), true)), save) : para(t("options.none")),
      help(t("options.try.help")),
      send,
      said,
      tries,
    ]);
    state();
  });

// --- step 6: test payment, and what may follow it (a refund, the e-ticket holder's name)
P["test-payment"] = (ui) =>
  call("products").then(({ products }) => {
    const said = note();
    const after = h("p", { class: "ds24-row" });
    const out = h("div");
    const followUps = h("input", { type: "number", min: "0", max: "24", value: "0", inputmode: "numeric" });
    const incomplete = h("input", { type: "checkbox" });
    const fit = () => {
      const p = find(products, "id", product.value) || {};
      const plan = !!p.billing_type && p.billing_type !== "single_payment";
      followUps.disabled = !plan;
      followUps.max = p.billing_type === "installment" ? String(p.installments - 1) : "24";
      if (!plan) followUps.value = "0";
      incomplete.disabled = !p.etickets;
      if (!p.etickets) incomplete.checked = false;
    };
    const product = h("select", { onchange: fit }, products.map((p) =>
      h("option", { value: p.id, selected: p.id === st().payProduct }, p.name + " (" + p.price_text + ")")));
    const state = () =>
      getZap().then((zap) =>
        zap
          ? call("testTrigger", { zap: zap.id }).then((test) => ui.done(test.samples.length > 0, t("pay.done", { count: test.samples.length })))
          : ui.done(!!st().order, t("pay.done_no_zap")));
    const shown = (result, words) => { said.textContent = words; clear(out, showEvents(result.events, true)); state().catch(ui.fail); };
    const next = (result) => {
      const order = result.order_id;
      const refund = () => ui.go(() => call("orderAction", { order, action: "refund" })).then((r) => shown(r, t("pay.refunded", { order })));
      const holder = { holder_first_name: "Camille", holder_last_name: "Martin", holder_email: "camille.martin@example.com" };
      const complete = (ticket) => () =>
        ui.go(() => call("eticketUpdate", { ticket }, holder)).then((r) => shown(r, t("pay.completed", { ticket })));
      clear(after, [btn(t("pay.refund"), refund)].concat((result.eticket_ids || []).slice(0, 1).map((id) => btn(t("pay.complete"), complete(id)))));
    };
    const pay = () => {
      put({ payProduct: product.value });
      const body = { product_id: product.value, follow_ups: parseInt(followUps.value, 10) || 0, incomplete: incomplete.checked };
      ui.go(() => call("pay", {}, body)).then((result) => {
        put({ order: result.order_id });
        shown(result, t("pay.result", { order: result.order_id, count: result.events.length }));
        next(result);
      });
    };
    add(ui.body, [
      form({}, [
        labelled(t("pay.product"), product),
        h("div", { class: "ds24-row" }, [labelled(t("pay.follow_ups"), followUps), choice(incomplete, t("pay.incomplete"))]),
        submit(t("pay.button"), true),
      ], pay),
      said,
      after,
      out,
    ]);
    fit();
    return state();
  });

// --- step 7: the action
P.action = (ui) =>
  needZap(ui).then((zap) => {
    const name = nid();
    const state = () => ui.done(!!flags().action || tested(zap), t("action.done", { action: t("action." + zap.action.kind) }));
    const choose = (kind) =>
      ui.go(() => (zap.action.kind === kind ? zap : editZap(zap, { action: { kind } })))
        .then((z) => { zap = z; flag("action"); state(); changed(); });
    add(ui.body, group(t("action.pick"), ["sheets", "gmail"].map((kind) => {
      const input = h("input", { type: "radio", name, value: kind, checked: !!flags().action && zap.action.kind === kind, onchange: () => choose(kind) });
      return choice(input, h("strong", {}, t("action." + kind)), t("action." + kind + ".help"));
    })));
    state();
  });

// --- step 8: the template, with a field picker and a live preview
// The server's rule: one pass, {{ name }} becomes the value; a name the record lacks is an error.
const render = (template, record) => {
  let error = null;
  const out = text(template).replace(/\{\{([^{}]*)\}\}/g, (all, name) => {
    name = name.trim();
    if (!name) error = error || t("tpl.empty");
    else if (!has(record, name)) error = error || t("tpl.unknown", { name });
    else return text(record[name]);
    return all;
  });
  return { text: out, error };
};
const oneLine = (value) => value.split(/\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/).join(" ").trim();
const MAIL = ["to", "subject", "body"];
const mail = (cell) => h("dl", {}, MAIL.flatMap((f) => [h("dt", {}, t("tpl." + f)), h("dd", { class: f === "body" ? "ds24-pre" : null }, cell(f))]));
P.template = (ui) =>
  needZap(ui).then((zap) =>
    call("testTrigger", { zap: zap.id }).then((test) => {
      const sample = test.samples.length ? test.samples[0].output : null;
      const kind = zap.action.kind;
      const config = JSON.parse(JSON.stringify(zap.action.config || {}));
      const editor = h("div", { class: "ds24-editor" });
      const preview = h("div", { class: "ds24-preview" });
      let last = null;
      const picker = h("select", {}, (test.picker || []).map((f) =>
        h("option", { value: f.name }, f.name + " — " + (f.value.length > 40 ? f.value.slice(0, 39) + "…" : f.value))));
      const state = () => ui.done(!!flags().template || tested(zap), t("tpl.done"));
      const field = (label, value, set, template, big, col) => {
        const input = h(big ? "textarea" : "input", big ? { rows: "6" } : { type: "text" });
        input.value = text(value);
        input.addEventListener("input", () => { set(input.value); show(col); });
        if (template) input.addEventListener("focus", () => (last = input));
        return labelled(label, input);
      };
      const build = () => {
        if (kind === "gmail") return clear(editor, MAIL.map((f) => field(t("tpl." + f), config[f], (v) => (config[f] = v), true, f === "body")));
        config.columns = Array.isArray(config.columns) ? config.columns : [];
        clear(editor, field(t("tpl.spreadsheet"), config.spreadsheet, (v) => (config.spreadsheet = v)));
        config.columns.forEach((column, i) =>
          add(editor, h("div", { class: "ds24-row ds24-col" }, [
            field(t("tpl.header"), column.header, (v) => (column.header = v), false, false, i),
            field(t("tpl.value"), column.template, (v) => (column.template = v), true, false, i),
            btn(t("tpl.remove", { n: i + 1 }), () => {
              config.columns.splice(i, 1);
              last = null;
              build();
              show();
              editor.lastChild.focus();
            }),
          ])));
        add(editor, btn(t("tpl.add"), () => {
          config.columns.push({ header: "", template: "" });
          build();
          show();
          editor.lastChild.previousSibling.querySelector("input").focus();
        }));
      };
      // Rebuilt at each keystroke: the preview keeps its sideways scroll and shows the column typed in.
      const sideways = () => preview.querySelectorAll(".ds24-scroll, .ds24-scroll > table");
      const show = (col) => {
        if (!sample) return clear(preview, help(t("tpl.no_sample")));
        let x = Math.max(0, ...[...sideways()].map((el) => el.scrollLeft));
        let problems = 0;
        const cell = (template, single) => {
          const r = render(template, sample);
          if (!r.error) return single ? oneLine(r.text) : r.text;
          problems += 1;
          return h("span", { class: "ds24-bad" }, r.error);
        };
        const shown = kind === "gmail"
          ? mail((f) => cell(config[f], f !== "body"))
          : table(config.columns.map((c) => c.header || "?"), [config.columns.map((c) => cell(c.template))]);
        clear(preview, [help(t("tpl.preview")), shown, problems ? h("p", { class: "ds24-bad" }, t("tpl.problems", { count: problems })) : null]);
        const th = col == null ? null : preview.querySelectorAll("th")[col];
        const w = th && th.offsetParent ? th.offsetParent.clientWidth : 0;
        if (w && th.offsetLeft < x) x = th.offsetLeft;
        else if (w && th.offsetLeft + th.offsetWidth > x + w) x = Math.min(th.offsetLeft, th.offsetLeft + th.offsetWidth - w);
        sideways().forEach((el) => (el.scrollLeft = x));
      };
      const insert = () => {
        const input = last || editor.querySelector("textarea, .ds24-col label + label input");
        if (!input || !picker.value) return;
        const token = "{{" + picker.value + "}}";
        const start = input.selectionStart == null ? input.value.length : input.selectionStart;
        input.value = input.value.slice(0, start) + token + input.value.slice(input.selectionEnd == null ? start : input.selectionEnd);
        input.dispatchEvent(new Event("input"));
        input.focus();
        input.setSelectionRange(start + token.length, start + token.length);
      };
      const save = () =>
        ui.go(() => editZap(zap, { action: { kind, config } })).then((z) => { zap = z; flag("template"); state(); ui.say(t("tpl.saved")); changed(); });
      add(ui.body, [
        sample
          ? h("div", { class: "ds24-row" }, [labelled(t("tpl.pick"), picker), btn(t("tpl.insert"), insert)])
          : help([reason(test.message) + " ", stepLink("6")]),
        form({}, [para(t("tpl.for", { action: t("action." + kind) })), editor, submit(t("tpl.save"), true)], save),
        preview,
      ]);
      build();
      show();
      state();
    }));

// --- step 9: test, name and turn on, results
const actionResult = (result) => {
  if (!result) return null;
  if (result.kind !== "sheets") return mail((f) => (result.message || {})[f]);
  const headers = Object.keys(result.row || {});
  return table(headers, [headers.map((name) => text(result.row[name]))]);
};
const problemList = (problems) => ((problems || []).length ? h("ul", { class: "ds24-bad" }, problems.map((p) => h("li", {}, reason(p)))) : null);

P["zap-test"] = (ui) =>
  needZap(ui).then((zap) => {
    const trig = [note(), h("div")];
    const act = [note(), h("div")];
    const state = () => ui.done(!!flags().tested || tested(zap), t("ztest.done"));
    ui.sync = syncZap((z) => { zap = z; state(); });
    // Up to three samples, newest first; none: what to do, with the way to step 6.
    const testTrigger = () =>
      ui.go(() => call("testTrigger", { zap: zap.id })).then((test) => {
        trig[0].textContent = reason(test.message);
        const samples = test.samples.map((s, i) => h("details", {}, [
          h("summary", {}, t("ztest.sample", { n: i + 1, event: s.output.event || "", time: when(s.received_at) })),
          fieldTable(s.output),
        ]));
        clear(trig[1], [samples.length ? null : help(stepLink("6")), problemList(test.problems)].concat(samples));
      });
    const testAction = () =>
      ui.go(() => call("testAction", { zap: zap.id })).then((test) => {
        if (test.ok) {
          zap = test.zap;
          flag("tested");
          state();
          changed();
        }
        act[0].textContent = test.ok ? t("ztest.ok") : t("ztest.failed");
        act[0].className = test.ok ? "" : "ds24-bad";
        clear(act[1], [actionResult(test.result), problemList(test.problems)]);
      });
    add(ui.body, [para(btn(t("ztest.trigger"), testTrigger))].concat(trig, para(btn(t("ztest.action"), testAction, true)), act));
    state();
  });

P["zap-on"] = (ui) =>
  needZap(ui).then((zap) => {
    const name = h("input", { type: "text", maxlength: "120", value: zap.name });
    const line = note();
    const toggle = btn("", () => ui.go(() => call(zap.state === "on" ? "off" : "on", { zap: zap.id })).then((z) => { zap = z; state(); changed(); }), true);
    const state = () => {
      line.textContent = t("zon.state", { name: zap.name, state: t("state." + zap.state) });
      toggle.textContent = zap.state === "on" ? t("zon.off") : t("zon.on");
      ui.done(zap.state === "on", t("zon.done", { name: zap.name }));
    };
    ui.sync = syncZap((z) => { zap = z; state(); });
    const rename = () => ui.go(() => editZap(zap, { name: name.value })).then((z) => { zap = z; state(); ui.say(t("zon.named")); });
    add(ui.body, [form({ class: "ds24-row" }, [labelled(t("zon.name"), name), submit(t("zon.rename"))], rename), line, toggle]);
    state();
  });

P.results = (ui) =>
  needZap(ui).then((zap) => {
    const box = h("div");
    const show = (count, shown, runs) => {
      ui.done(count > 0, t("res.done", { count }));
      clear(box, shown.concat(para(t("res.history")), runs.length
        ? h("ul", { class: "ds24-list" }, runs.map((run) => h("li", { class: "ds24-run-" + run.status }, [
          when(run.created_at) + " — ",
          h("strong", {}, t("run." + run.status)),
          run.test ? " (" + t("res.test") + ")" : "",
          run.reason ? " " + reason(run.reason) : "",
        ])))
        : help(t("res.no_runs"))));
    };
    const load = async () => {
      zap = (await getZap()) || zap;
      const ids = { zap: zap.id };
      const runs = (await call("runs", ids)).runs;
      if (zap.action.kind === "sheets") {
        const r = await call("sheet", ids);
        const csv = h("a", { class: "md-button", href: B + path("sheetCsv", ids), download: "zap-" + zap.id + ".csv" }, t("res.csv"));
        return show(r.rows.length, [
          para(t("res.sheet", { name: r.spreadsheet, count: r.rows.length })),
          r.rows.length ? table(r.headers, r.rows.map((row) => r.headers.map((name) => text(row[name])))) : null,
          para(csv),
        ], runs);
      }
      const mails = (await call("outbox")).messages.filter((m) => m.zap_id === zap.id);
      show(mails.length, [para(t("res.outbox", { count: mails.length }))].concat(mails.slice(0, 5).map((m) =>
        h("div", { class: "ds24-ev" }, actionResult({ kind: "gmail", message: m })))), runs);
    };
    listen((kinds) => (kinds.zap || kinds.reception) && load().catch(() => {}));
    add(ui.body, [btn(t("res.refresh"), () => ui.go(load)), box]);
    return load();
  });

// --- the event log (live) and the one-click scenarios
P.events = (ui) => {
  const live = h("p", { class: "ds24-help", "aria-live": "polite" });
  const box = h("div");
  const load = () => call("events").then(({ events }) => clear(box, events.length ? showEvents(events, true) : help(t("events.none"))));
  listen((kinds) => {
    if (kinds === "open") live.textContent = t("events.live");
    else if (kinds === "lost") live.textContent = t("events.lost");
    else if (kinds.event || kinds.attempt || kinds.reception) load().catch(() => {});
  });
  add(ui.body, [live, box]);
  return load();
};

P.scenario = (ui) => {
  const said = note();
  const out = h("div");
  const run = (s) =>
    ui.go(() => call("runScenario", { scenario: s.id }, { with_zap: true })).then((result) => {
      said.textContent = t("scen.result", { title: s.title[L], zap: result.zap ? result.zap.name : "", count: result.events.length });
      clear(out, h("ol", { class: "ds24-timeline" }, result.events.map((ev) => h("li", {}, showEvents([ev], false)))));
    });
  return call("scenarios").then(({ scenarios }) => add(ui.body, [
    h("ul", { class: "ds24-list" }, scenarios.map((s) => h("li", {}, [h("strong", {}, s.title[L]), help(s.summary[L]), btn(t("scen.run"), () => run(s))]))),
    said,
    out,
  ]));
};

// --- start
const mount = (el, again) => {
  const name = el.getAttribute("data-panel");
  if (!P[name]) return;
  const ui = frame(el, name);
  mounted = mounted.filter((other) => other.el !== el).concat(ui);
  ui.say(t("loading"));
  where().then(() => { ui.say(""); return P[name](ui); }).catch(ui.fail);
  if (again) el.focus();
};
const init = () => {
  try {
    C = JSON.parse(D.getElementById("ds24-panel-messages").textContent);
  } catch (e) {
    C = { messages: {}, links: {}, examples: {}, fallback: "http://127.0.0.1:8024" };
  }
  L = C.lang || D.documentElement.lang || "fr";
  if (ES) ES.close();
  ES = null;
  subs = [];
  mounted = [];
  D.querySelectorAll(".ds24-panel[data-panel]").forEach((el) => mount(el));
};
// Material's document$ also fires after instant navigation; without it, the page's load is enough.
if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
else if (D.readyState === "loading") D.addEventListener("DOMContentLoaded", init);
else init();
})();
