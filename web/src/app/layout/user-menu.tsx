import { useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSignOut } from '@/features/auth/api/auth';
import { useSession } from '@/lib/use-session';

/** The signed-in user's menu: Profile and Sign out. Escape or a click elsewhere closes it. */
export function UserMenu() {
  const session = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (
        event instanceof KeyboardEvent
          ? event.key === 'Escape'
          : !root.current?.contains(event.target as Node)
      ) {
        setOpen(false);
      }
    };
    document.addEventListener('keydown', close);
    document.addEventListener('mousedown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('mousedown', close);
    };
  }, [open]);

  const item =
    'block w-full px-4 py-2 text-left text-sm text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-700';
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((current) => !current)}
        className="rounded-md px-3 py-2 text-sm font-medium hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-slate-800"
      >
        {session?.user.name ?? 'Account'}
      </button>
      {open && (
        <ul
          id={menuId}
          aria-label="User menu"
          className="absolute right-0 z-10 mt-2 w-44 rounded-md bg-white py-1 shadow-lg ring-1 ring-black/5 dark:bg-slate-800"
        >
          <li>
            <Link to="/app/profile" className={item} onClick={() => setOpen(false)}>
              Profile
            </Link>
          </li>
          <li>
            <button
              type="button"
              className={item}
              onClick={() =>
                signOut.mutate(undefined, {
                  onSettled: () => void navigate('/login', { replace: true }),
                })
              }
            >
              Sign out
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}
