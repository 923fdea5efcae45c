// The lean floor's provider: does nothing, with our provider's state shape. scripts/bench installs this file as
// node_modules/bench-lean-provider, so the SDK serializes it as one require() (like our installed library), and
// the model is kept once (as JSON text in the inputs) with a hash in the outputs, not a second copy.
"use strict";
const hash = (text) => require("crypto").createHash("sha256").update(text).digest("hex");
const outs = (inputs, version) => {
    const model = JSON.parse(inputs.dashboard);
    return { uid: model.uid, url: `/d/${model.uid}`, title: model.title, orgId: inputs.orgId, version, modelHash: hash(inputs.dashboard) };
};
module.exports = {
    async create(inputs) {
        const o = outs(inputs, 1);
        return { id: o.uid, outs: o };
    },
    async diff(_id, olds, news) {
        return { changes: olds.modelHash !== hash(news.dashboard) || olds.orgId !== news.orgId };
    },
    async update(_id, olds, news) {
        return { outs: outs(news, (olds.version || 0) + 1) };
    },
    async read(id, props) {
        return { id, props };
    },
    async delete() {},
};
