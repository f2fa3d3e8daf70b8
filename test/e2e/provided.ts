/**
 * The environment variables through which the test projects' global setup (test/setup/fresh-action.ts) hands what it
 * made once to the code under test: the Action's fresh bundle, the serverless app's, and the e2e App's key pair.
 * A module of its own, without imports: every worker-project file's setup reads it.
 */
export const BUNDLE_VARIABLE = "DISPATCH_ACTION_BUNDLE";
/** Without it the harness builds the app bundle per Actions-mode scenario. */
export const APP_BUNDLE_VARIABLE = "DISPATCH_APP_BUNDLE";
/** The App's key pair as JSON; without it the harness makes one per process. */
export const APP_KEY_VARIABLE = "DISPATCH_TEST_APP_KEY";
