'use client';
// Buttons that open the group actions in a dialog: create, edit, delete, reset offsets.

import { useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { GroupForm } from '@/components/actions/group-form';

export function CreateGroupButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} data-testid="new-group">+ New group</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Create subscription group">
        <GroupForm />
      </Dialog>
    </>
  );
}

export function DialogButton({ label, title, children, variant = 'secondary', testId, wide }: { label: string; title: string; children: ReactNode; variant?: 'secondary' | 'danger' | 'primary'; testId?: string; wide?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)} data-testid={testId}>{label}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={title} wide={wide}>
        {children}
      </Dialog>
    </>
  );
}
