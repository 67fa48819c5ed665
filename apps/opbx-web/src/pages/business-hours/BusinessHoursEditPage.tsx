import type { CreateBusinessHoursRequest } from '@opbx/client';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';

import { paths } from '../../app/paths';
import { usePermissions } from '../../auth/permissions';
import { useOrgTimezone } from '../../data/lookups';
import { claimedBy } from '../../lib/api-error';
import { usePageTitle } from '../../lib/title';
import { useFieldErrors } from '../../lib/useFieldErrors';
import { Button } from '../../ui/Button';
import { Card, CardHeader, PageHeader } from '../../ui/Card';
import { BackLink, MissingRecord, PageFormActions } from '../../ui/Detail';
import { ConfirmDelete } from '../../ui/Dialogs';
import { TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormError';
import { TrashIcon } from '../../ui/icons';
import { LoadingBlock } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useBusinessHours, useDeleteBusinessHours, useSaveBusinessHours } from './api';
import { type HolidayRow, HolidaysEditor, newHoliday } from './HolidaysEditor';
import type { BusinessHoursView } from './model';
import { OpenBadge } from './OpenBadge';
import { type ClosedType, type OpenType, routingBody, RoutingCard, type RoutingState } from './RoutingCard';
import { TimezonePicker } from './TimezonePicker';
import { newRange, type Range, WeeklySchedule } from './WeeklySchedule';

const back = <BackLink to={paths.businessHours}>Business hours</BackLink>;

const DEFAULT_WEEK = () => [1, 2, 3, 4, 5].map((d) => newRange(d));

function Editor({ hours, defaultTimezone }: { hours: BusinessHoursView | null; defaultTimezone: string }) {
  const perms = usePermissions();
  const toast = useToast();
  const navigate = useNavigate();
  const save = useSaveBusinessHours();
  const remove = useDeleteBusinessHours();
  const [name, setName] = useState(hours?.name ?? '');
  const [timezone, setTimezone] = useState(hours?.timezone ?? defaultTimezone);
  const [ranges, setRanges] = useState<Range[]>(() =>
    hours ? hours.schedules.map((s) => newRange(s.day_of_week, s.open_time, s.close_time)) : DEFAULT_WEEK(),
  );
  const [holidays, setHolidays] = useState<HolidayRow[]>(() => (hours?.holidays ?? []).map((h) => newHoliday(h.date, h.name)));
  const [open, setOpen] = useState<RoutingState<OpenType>>({
    type: hours?.open_hours_routing.type ?? 'ring_group',
    extension_id: hours?.open_hours_routing.extension_id ?? '',
    ring_group_id: hours?.open_hours_routing.ring_group_id ?? '',
  });
  const [closed, setClosed] = useState<RoutingState<ClosedType>>({
    type: hours?.closed_hours_routing.type ?? 'voicemail',
    extension_id: hours?.closed_hours_routing.extension_id ?? '',
    ring_group_id: hours?.closed_hours_routing.ring_group_id ?? '',
  });
  const [deleting, setDeleting] = useState(false);
  const { errors, clear, bind } = useFieldErrors(save.error);
  const readOnly = !perms.manage;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: CreateBusinessHoursRequest = {
      name: name.trim(),
      timezone: timezone.trim(),
      schedules: ranges.map(({ day_of_week, open_time, close_time }) => ({ day_of_week, open_time, close_time })),
      holidays: holidays.map(({ date, name }) => ({ date, name: name.trim() })),
      open_hours_routing: routingBody(open) as CreateBusinessHoursRequest['open_hours_routing'],
      closed_hours_routing: routingBody(closed) as CreateBusinessHoursRequest['closed_hours_routing'],
    };
    save.mutate(
      { ...(hours ? { id: hours.id } : {}), body },
      {
        onSuccess: (saved) => {
          toast.success(`${saved.name} saved: ${saved.is_open_now ? 'open' : 'closed'} right now.`);
          void navigate(paths.businessHours);
        },
      },
    );
  };

  return (
    <>
      <PageHeader
        back={back}
        title={
          hours ? (
            <span className="flex items-center gap-2">
              {hours.name} <OpenBadge open={hours.is_open_now} holidays={hours.holidays} timezone={hours.timezone} />
            </span>
          ) : (
            'New business hours'
          )
        }
        description={
          readOnly
            ? 'You can view these hours; only owners and admins can change them.'
            : 'Opening hours in their own time zone. A range that closes before it opens runs past midnight.'
        }
        actions={
          hours &&
          perms.manage && (
            <Button icon={<TrashIcon />} onClick={() => setDeleting(true)} className="hover:text-red-600">
              Delete
            </Button>
          )
        }
      />
      <form onSubmit={submit} noValidate aria-label="Business hours">
        <fieldset disabled={readOnly || save.isPending} className="min-w-0 space-y-5">
          <FormError
            error={save.error}
            claimed={claimedBy('name', 'timezone', 'schedules', 'holidays', 'open_hours_routing', 'closed_hours_routing')}
            remaining={errors}
          />
          <Card aria-labelledby="bh-basics">
            <CardHeader id="bh-basics" title="Basics" />
            <div className="grid gap-4 p-4 md:grid-cols-2">
              <TextField label="Name" name="name" value={name} {...bind('name', setName)} placeholder="e.g. Office hours" />
              <TimezonePicker
                value={timezone}
                onChange={(tz) => {
                  setTimezone(tz);
                  clear('timezone');
                }}
                error={errors.timezone}
                disabled={readOnly}
              />
            </div>
          </Card>
          <Card aria-labelledby="bh-week">
            <CardHeader id="bh-week" title="Weekly hours" description="Add several ranges to a day for a lunch break; a range may end after midnight." />
            <div className="p-4">
              {errors['schedules'] && (
                <p className="mb-2 text-xs font-medium text-red-600" role="alert">
                  {errors['schedules']}
                </p>
              )}
              <WeeklySchedule
                ranges={ranges}
                onChange={(r) => {
                  setRanges(r);
                  clear('schedules');
                }}
                errors={errors}
                disabled={readOnly}
              />
            </div>
          </Card>
          <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
            <Card aria-labelledby="bh-holidays">
              <CardHeader id="bh-holidays" title="Holidays" description="Closed all day, in this schedule's time zone." />
              <div className="p-4">
                <HolidaysEditor
                  holidays={holidays}
                  onChange={(h) => {
                    setHolidays(h);
                    clear('holidays');
                  }}
                  errors={errors}
                  disabled={readOnly}
                />
              </div>
            </Card>
            <RoutingCard
              open={open}
              closed={closed}
              onOpen={(o) => {
                setOpen(o);
                clear('open_hours_routing');
              }}
              onClosed={(c) => {
                setClosed(c);
                clear('closed_hours_routing');
              }}
              errors={errors}
              disabled={readOnly}
            />
          </div>
          {!readOnly && (
            <PageFormActions
              onCancel={() => navigate(paths.businessHours)}
              pending={save.isPending}
              submitLabel={hours ? 'Save changes' : 'Create business hours'}
            />
          )}
        </fieldset>
      </form>
      <ConfirmDelete
        target={deleting ? hours : null}
        onClose={() => setDeleting(false)}
        title={(h) => `Delete ${h.name}?`}
        description="This cannot be undone."
        onDelete={async (h) => {
          await remove.mutateAsync(h.id);
          void navigate(paths.businessHours);
        }}
        deleted={(h) => `Deleted ${h.name}.`}
      />
    </>
  );
}

export default function BusinessHoursEditPage() {
  const { id = 'new' } = useParams();
  const isNew = id === 'new';
  const query = useBusinessHours(isNew ? null : id);
  const orgTz = useOrgTimezone();
  usePageTitle(isNew ? 'New business hours' : (query.data?.name ?? 'Business hours'));
  if (isNew) return <Editor hours={null} defaultTimezone={orgTz ?? Intl.DateTimeFormat().resolvedOptions().timeZone} key={orgTz ?? 'browser'} />;
  if (query.isLoading) return <LoadingBlock />;
  if (!query.data) {
    return (
      <MissingRecord
        title="Business hours"
        back={back}
        notFound="These business hours don't exist"
        gone="They may have been deleted."
        error={query.error}
        onRetry={() => void query.refetch()}
      />
    );
  }
  // Keyed on updated_at only: the minute-by-minute refresh of is_open_now must not reset edits.
  return <Editor key={query.data.updated_at} hours={query.data} defaultTimezone={query.data.timezone} />;
}
