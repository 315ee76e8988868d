import { useCallback } from 'preact/hooks';
import { client } from './api.js';
import { Enrol } from './screens/enrol.js';
import { Shell } from './screens/shell.js';
import { SecondFactor, SignIn } from './screens/sign-in.js';
import { StepUpHost } from './screens/step-up.js';
import { useSession } from './session.js';
import { SignedOutContext } from './use-call.js';

/** The dashboard: the sign-in steps until the server says the sign-in is complete, then the shell. */
export function App() {
  const { state, refresh, signedOut } = useSession();
  const startOver = useCallback(() => {
    void client.auth.signOut().finally(() => signedOut());
  }, [signedOut]);

  let screen: preact.JSX.Element;
  switch (state.stage) {
    case 'loading':
      screen = (
        <main class="card">
          <p role="status">Loading…</p>
        </main>
      );
      break;
    case 'signed-out':
      screen = <SignIn notice={state.notice} onStep={refresh} />;
      break;
    case 'second-factor':
      screen = <SecondFactor email={state.email} onStep={refresh} onCancel={startOver} />;
      break;
    case 'enrolment':
      screen = <Enrol email={state.email} onStep={refresh} onCancel={startOver} />;
      break;
    case 'signed-in':
      screen = (
        <StepUpHost>
          <Shell user={state.user} idleTimeoutSeconds={state.idleTimeoutSeconds} onSignOut={startOver} />
        </StepUpHost>
      );
      break;
  }
  return <SignedOutContext.Provider value={signedOut}>{screen}</SignedOutContext.Provider>;
}
