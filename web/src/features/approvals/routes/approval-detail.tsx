import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from '@/components/button';
import { TextField } from '@/components/field';
import { fieldError, FormAlert } from '@/components/form-alert';
import { formatDateTime } from '@/lib/format';
import { useSession } from '@/lib/use-session';
import {
  subjectNameQuery,
  useApproval,
  useDecideApproval,
  type Approval,
  type Decision,
} from '../api/approvals';
import { StatusBadge } from '../components/status-badge';
import { UserName } from '../components/user-name';
import { actionName, canCancel, canDecide, describeInput, subjectPath } from '../utils/approval';

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-2">
      <dt className="text-sm font-medium text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="col-span-2 text-sm">{children}</dd>
    </div>
  );
}

const doneMessages: Record<Decision, string> = {
  approve: 'You approved this request.',
  reject: 'You rejected this request.',
  cancel: 'You cancelled this request.',
};

/** Approve or reject (an approver of the awaited level), or cancel (the requester), each with a comment. */
function DecisionForm({ approval, me }: { approval: Approval; me: string | undefined }) {
  const decide = useDecideApproval();
  const [comment, setComment] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const deciding = canDecide(approval, me);
  const cancelling = canCancel(approval, me);

  // Each button says which decision it is; Enter in the comment field decides nothing (the form has no submit).
  const send = (decision: Decision) => {
    setDone(null);
    decide.mutate(
      { approval, decision, comment },
      {
        onSuccess: () => {
          setComment('');
          setDone(doneMessages[decision]);
        },
      },
    );
  };

  return (
    <>
      <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
        {done}
      </p>
      {(deciding || cancelling) && (
        <section aria-labelledby="decide" className="max-w-2xl space-y-3">
          <h2 id="decide" className="text-lg font-semibold">
            {deciding ? 'Your decision' : 'Withdraw the request'}
          </h2>
          <form
            onSubmit={(event: SyntheticEvent) => event.preventDefault()}
            className="space-y-3"
            noValidate
            aria-labelledby="decide"
          >
            <FormAlert error={decide.error} fields={['comment']} />
            <TextField
              label="Comment"
              name="comment"
              value={comment}
              maxLength={2000}
              onChange={(event) => setComment(event.target.value)}
              error={fieldError(decide.error, 'comment')}
            />
            <div className="flex gap-3">
              {deciding && (
                <>
                  <Button onClick={() => send('approve')} disabled={decide.isPending}>
                    Approve
                  </Button>
                  <Button onClick={() => send('reject')} variant="secondary" disabled={decide.isPending}>
                    Reject
                  </Button>
                </>
              )}
              {cancelling && (
                <Button onClick={() => send('cancel')} variant="secondary" disabled={decide.isPending}>
                  Cancel request
                </Button>
              )}
            </div>
          </form>
        </section>
      )}
    </>
  );
}

export function ApprovalDetailRoute() {
  const { id = '' } = useParams();
  const approval = useApproval(id);
  const me = useSession()?.user.id;
  const subjectName = useQuery({
    ...subjectNameQuery(approval.data?.subject ?? { type: '', id: '' }),
    enabled: !!approval.data,
  });

  if (approval.isPending) return <p>Loading the approval request…</p>;
  if (approval.isError) return <FormAlert error={approval.error} fields={[]} />;

  const a = approval.data;
  const subject = subjectPath(a.subject);
  const input = describeInput(a.input);
  return (
    <div className="space-y-6">
      <p>
        <Link to="/app/approvals" className="text-sm text-indigo-700 dark:text-indigo-300">
          ← Approvals
        </Link>
      </p>
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-semibold">{actionName(a.action)}</h1>
        <StatusBadge status={a.status} />
      </div>
      {a.detail && <p className="max-w-2xl text-sm">{a.detail}</p>}
      <dl className="max-w-2xl divide-y divide-slate-100 dark:divide-slate-800">
        <Row term="Subject">
          {subject ? (
            <Link to={subject} className="text-indigo-700 hover:underline dark:text-indigo-300">
              {subjectName.data ?? `The ${a.subject.type}`}
            </Link>
          ) : (
            a.subject.type
          )}
        </Row>
        {input.map((field) => (
          <Row key={field.label} term={field.label}>
            {field.value}
          </Row>
        ))}
        <Row term="Asked by">
          <UserName id={a.requestedBy} me={me} />
        </Row>
        <Row term="Asked">{formatDateTime(a.createdAt)}</Row>
        <Row term="Policy">{a.policyName}</Row>
        <Row term="Levels">
          {a.status === 'pending'
            ? `Level ${String(a.currentLevel)} of ${String(a.levels)} awaits a decision`
            : String(a.levels)}
        </Row>
        <Row term={a.status === 'pending' ? 'Expires' : 'Decided'}>
          {formatDateTime(a.status === 'pending' ? a.expiresAt : a.decidedAt)}
        </Row>
      </dl>
      <section aria-labelledby="decisions" className="max-w-2xl space-y-3">
        <h2 id="decisions" className="text-lg font-semibold">
          Decisions
        </h2>
        {a.decisions.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No decision yet.</p>
        ) : (
          <ol className="space-y-2 text-sm">
            {a.decisions.map((decision) => (
              <li key={`${String(decision.level)}-${decision.userId}`}>
                <p>
                  Level {String(decision.level)}: <strong>{decision.decision}</strong> by{' '}
                  <UserName id={decision.userId} me={me} />,{' '}
                  <span className="text-slate-600 dark:text-slate-400">{formatDateTime(decision.at)}</span>
                </p>
                {decision.comment && <p className="mt-1 pl-4 italic">“{decision.comment}”</p>}
              </li>
            ))}
          </ol>
        )}
      </section>
      <DecisionForm approval={a} me={me} />
    </div>
  );
}
