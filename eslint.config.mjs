// ESLint (flat config) with typescript-eslint's recommended rules for the TypeScript sources, tests, bench and examples.
// Formatting is prettier's job (npm run format:check); this only checks code.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "dist/", "test-results/", "bench/results/", "**/*.js", "**/*.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            // Errors are rebuilt on purpose, without `cause`: an axios error carries the request config, Authorization
            // header included, and the engine prints what it gets.
            "preserve-caught-error": "off",
        },
    },
    {
        // Each resource loads its host module lazily with require(): the SDK serializes that module's exports as one
        // require() line, and a static import would make a cycle (host/x imports x). thin.ts resolves the library
        // inside the provider host at run time.
        files: ["provider/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
