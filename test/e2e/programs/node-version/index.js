// Which `node` did the engine start? The program reports its own; a dynamic resource reports the provider host's.
// Plain JavaScript: nothing to compile, so the test measures the node, not ts-node.
const pulumi = require("@pulumi/pulumi");

const hostProbe = {
    async create() {
        return { id: "probe", outs: { node: process.version, execPath: process.execPath } };
    },
};

const probe = new pulumi.dynamic.Resource(hostProbe, "probe", { node: undefined, execPath: undefined }, {});
exports.programNode = process.version;
exports.programExecPath = process.execPath;
exports.providerHostNode = probe.node;
exports.providerHostExecPath = probe.execPath;
