import * as fs from "fs";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { CONNECTION_ENV } from "../../provider/connection";
import { pgdHome } from "./grafana-server";

export const PULUMI_BIN_NAMES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];

export function pulumiBinDir(): string {
    return path.join(pgdHome(), "bin");
}

/** Names of the Pulumi binaries scripts/setup has not installed yet. */
export function missingPulumiBinaries(): string[] {
    return PULUMI_BIN_NAMES.filter((n) => {
        try {
            fs.accessSync(path.join(pulumiBinDir(), n), fs.constants.X_OK);
            return false;
        } catch {
            return true;
        }
    });
}

/** Node.js majors the e2e programs run on: those scripts/setup installed (PGD_E2E_NODE="24" picks some). */
export const NODE_MAJORS = ["24", "22"];

export function nodeBinDir(major: string): string {
    return path.join(pgdHome(), "node", major, "bin");
}

export function e2eNodeMajors(): string[] {
    const wanted = process.env.PGD_E2E_NODE ? process.env.PGD_E2E_NODE.split(/[ ,]+/) : NODE_MAJORS;
    return wanted.filter((m) => fs.existsSync(path.join(nodeBinDir(m), "node")));
}

/**
 * Environment for the real CLI: local file backend, no update checks, no plugin downloads. The language host and
 * the provider host run `node` from PATH: `node` picks which (default: Node 24 when setup installed it).
 */
export function pulumiEnv(stateDir: string, node: string = "24"): Record<string, string> {
    const nodeBin = nodeBinDir(node);
    return {
        PATH: `${pulumiBinDir()}:${fs.existsSync(nodeBin) ? `${nodeBin}:` : ""}${process.env.PATH}`,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_HOME: path.join(stateDir, ".pulumi-home"),
        // The provider host must take its connection from stack config, not from the test's env.
        ...Object.fromEntries(Object.values(CONNECTION_ENV).map((name) => [name, ""])),
    };
}

export function pulumiCommand(): Promise<PulumiCommand> {
    return PulumiCommand.get({ root: pgdHome(), skipVersionCheck: true });
}
