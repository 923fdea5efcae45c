// The language host and the dynamic-provider host run `node` from PATH: the e2e suite puts the Node.js it means
// (24 or 22, installed by scripts/setup) first. This checks which one really ran, from inside both processes.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { e2eNodeMajors, missingPulumiBinaries, NODE_MAJORS, nodeBinDir, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(180_000);

const PROGRAM = path.join(__dirname, "programs", "node-version");
const missing = missingPulumiBinaries();
const required = process.env.CI === "true" || process.env.E2E_REQUIRED === "1";

// No Grafana here: the program reports the node it runs on, whatever the e2e profiles.
const majors = e2eNodeMajors();
if (missing.length > 0 || majors.length === 0 || (required && majors.length < NODE_MAJORS.length && !process.env.PGD_E2E_NODE)) {
    (required ? test : test.skip)("needs the Pulumi binaries and Node 24 and 22 from scripts/setup", () => {
        throw new Error(`not installed: ${missing.join(", ") || "Node 24 / 22 in $PGD_HOME/node"} (run: npm run setup)`);
    });
}

if (missing.length === 0 && majors.length > 0)
    describe.each(majors)("Pulumi programs on Node %s", (major) => {
        test("the program and the provider host both run that node", async () => {
            const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pgd-node-${major}-`));
            const node = path.join(fs.realpathSync(nodeBinDir(major)), "node");
            try {
                const stack = await LocalWorkspace.createOrSelectStack(
                    { stackName: `node${major}`, workDir: PROGRAM },
                    { envVars: pulumiEnv(stateDir, major), pulumiCommand: await pulumiCommand() },
                );
                const up = await stack.up();
                const expected = execFileSync(node, ["--version"]).toString().trim();
                expect(expected).toMatch(new RegExp(`^v${major}\\.`));
                expect(up.outputs.programNode.value).toBe(expected);
                expect(up.outputs.providerHostNode.value).toBe(expected);
                expect(fs.realpathSync(up.outputs.programExecPath.value as string)).toBe(node);
                expect(fs.realpathSync(up.outputs.providerHostExecPath.value as string)).toBe(node);
                await stack.destroy();
                await stack.workspace.removeStack(stack.name);
            } finally {
                fs.rmSync(stateDir, { recursive: true, force: true });
            }
        });
    });
