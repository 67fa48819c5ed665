import { Card, CardHeader } from '../../ui/Card';
import { RadioCards } from '../../ui/Field';
import { ExtensionSelect } from '../phone-numbers/TargetSelects';

export type Fallback = 'none' | 'voicemail' | 'extension' | 'hangup';

const FALLBACKS: ReadonlyArray<{ value: Fallback; label: string; description: string }> = [
  { value: 'none', label: 'Nothing', description: 'No fallback is set; the call ends.' },
  { value: 'voicemail', label: 'Voicemail', description: 'The caller can leave a message.' },
  { value: 'extension', label: 'Extension', description: 'Ring one more extension.' },
  { value: 'hangup', label: 'Hang up', description: 'End the call explicitly.' },
];

interface Value {
  type: Fallback;
  extensionId: string;
}

/** What happens when no member answers: the picker follows the type (required extension, optional mailbox). */
export function FallbackCard({ value, onChange, errors }: { value: Value; onChange: (v: Value) => void; errors: Record<string, string> }) {
  const extensionError = errors['fallback_action.extension_id'];
  return (
    <Card aria-labelledby="rg-fallback">
      <CardHeader id="rg-fallback" title="When nobody answers" />
      <div className="space-y-4 p-4">
        <RadioCards
          legend="Fallback"
          name="fallback"
          value={value.type}
          onChange={(type) => onChange({ ...value, type })}
          options={FALLBACKS}
          error={errors['fallback_action.type'] ?? errors['fallback_action']}
          columns={4}
        />
        {value.type === 'extension' && (
          <ExtensionSelect
            label="Fallback extension"
            name="fallback_extension"
            value={value.extensionId}
            onChange={(extensionId) => onChange({ ...value, extensionId })}
            error={extensionError}
          />
        )}
        {value.type === 'voicemail' && (
          <ExtensionSelect
            label="Mailbox"
            name="fallback_mailbox"
            value={value.extensionId}
            onChange={(extensionId) => onChange({ ...value, extensionId })}
            error={extensionError}
            optional
            activeOnly={false}
            hint="Whose voicemail box takes the message; none uses the organization's default."
          />
        )}
      </div>
    </Card>
  );
}
