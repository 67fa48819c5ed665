import { usePermissions } from '../../auth/permissions';
import { useUser } from '../../auth/session';
import { usePageTitle } from '../../lib/title';
import { PageHeader } from '../../ui/Card';
import { CallVolumeChart } from './CallVolumeChart';
import { LiveCallsPanel } from './LiveCallsPanel';
import { MissedCalls } from './MissedCalls';
import { OnboardingChecklist } from './OnboardingChecklist';
import { RecentCalls } from './RecentCalls';
import { StatsCards } from './StatsCards';
import { TeamFigures } from './TeamFigures';

export default function DashboardPage() {
  usePageTitle('Dashboard');
  const user = useUser();
  const { manage } = usePermissions();
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={
          manage
            ? `Welcome back, ${user.name.split(' ')[0]}. Here is your phone system at a glance.`
            : `Welcome back, ${user.name.split(' ')[0]}. These are the calls of your extension.`
        }
      />
      <div className="space-y-5">
        {manage && <OnboardingChecklist />}
        <StatsCards />
        <LiveCallsPanel />
        <div className="grid gap-5 lg:grid-cols-3">
          <div className="lg:col-span-2">
            <CallVolumeChart />
          </div>
          <RecentCalls />
        </div>
        <TeamFigures />
        <div className="grid gap-5 lg:grid-cols-3">
          <MissedCalls />
        </div>
      </div>
    </>
  );
}
