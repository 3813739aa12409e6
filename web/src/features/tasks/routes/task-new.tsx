import { useNavigate, useSearchParams } from 'react-router';
import { useCreateTask } from '../api/tasks';
import { TaskForm } from '../components/task-form';

export function TaskNewRoute() {
  const create = useCreateTask();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const subjectType = params.get('subjectType');
  const subjectId = params.get('subjectId');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">New task</h1>
      <TaskForm
        subject={subjectType && subjectId ? { type: subjectType, id: subjectId } : undefined}
        submitLabel="Create task"
        error={create.error}
        pending={create.isPending}
        onSubmit={(task) => create.mutate(task, { onSuccess: () => void navigate('/app/tasks') })}
      />
    </div>
  );
}
