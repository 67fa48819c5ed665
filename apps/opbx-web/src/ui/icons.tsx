import type { ReactNode, SVGProps } from 'react';

type IconProps = SVGProps<SVGSVGElement>;

/** Stroke icons drawn on a 24-unit grid; decorative unless given a title by the caller. */
function make(paths: ReactNode) {
  return function Icon({ className = 'size-4', ...rest }: IconProps) {
    return (
      <svg
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.8}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden
        className={className}
        {...rest}
      >
        {paths}
      </svg>
    );
  };
}

export const SearchIcon = make(
  <>
    <circle cx="11" cy="11" r="7" />
    <path d="m20 20-3.5-3.5" />
  </>,
);
export const PlusIcon = make(<path d="M12 5v14M5 12h14" />);
export const TrashIcon = make(
  <>
    <path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
  </>,
);
export const PencilIcon = make(<path d="M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4" />);
export const XIcon = make(<path d="M6 6l12 12M18 6 6 18" />);
export const CheckIcon = make(<path d="m5 12 5 5 9-10" />);
export const ChevronRightIcon = make(<path d="m9 6 6 6-6 6" />);
export const ArrowLeftIcon = make(<path d="M19 12H5M11 18l-6-6 6-6" />);
export const DownloadIcon = make(<path d="M12 4v11M7 10l5 5 5-5M5 20h14" />);
export const CopyIcon = make(
  <>
    <rect x="9" y="9" width="11" height="11" rx="2" />
    <path d="M5 15V6a2 2 0 0 1 2-2h8" />
  </>,
);
export const HomeIcon = make(<path d="M4 11 12 4l8 7v8a1 1 0 0 1-1 1h-5v-6h-4v6H5a1 1 0 0 1-1-1z" />);
export const UsersIcon = make(
  <>
    <circle cx="9" cy="8" r="3.5" />
    <path d="M3 20c0-3.3 2.7-6 6-6s6 2.7 6 6M16 4.5a3.5 3.5 0 0 1 0 7M21 20c0-2.8-1.8-5.1-4.3-5.8" />
  </>,
);
/** An address book: the colleague directory. */
export const BookIcon = make(
  <>
    <path d="M6 3h12a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H6a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" />
    <circle cx="12" cy="10" r="2.5" />
    <path d="M8 16c.6-1.8 2.2-3 4-3s3.4 1.2 4 3" />
  </>,
);
export const HashIcon = make(<path d="M9 4 7 20M17 4l-2 16M4 9h16M3 15h16" />);
export const PhoneIcon = make(
  <path d="M6.6 3.5 9 4l1.3 3.6-1.8 1.6a12 12 0 0 0 6.3 6.3l1.6-1.8 3.6 1.3.5 2.4a2 2 0 0 1-2 2.1A16 16 0 0 1 4.5 5.5a2 2 0 0 1 2.1-2z" />,
);
export const PhoneIncomingIcon = make(
  <>
    <path d="M6.6 3.5 9 4l1.3 3.6-1.8 1.6a12 12 0 0 0 6.3 6.3l1.6-1.8 3.6 1.3.5 2.4a2 2 0 0 1-2 2.1A16 16 0 0 1 4.5 5.5a2 2 0 0 1 2.1-2z" />
    <path d="M20 4l-5 5M15 5v4h4" />
  </>,
);
export const PhoneOutgoingIcon = make(
  <>
    <path d="M6.6 3.5 9 4l1.3 3.6-1.8 1.6a12 12 0 0 0 6.3 6.3l1.6-1.8 3.6 1.3.5 2.4a2 2 0 0 1-2 2.1A16 16 0 0 1 4.5 5.5a2 2 0 0 1 2.1-2z" />
    <path d="M15 9l5-5M16 4h4v4" />
  </>,
);
export const LayersIcon = make(
  <>
    <path d="m12 3 9 5-9 5-9-5 9-5z" />
    <path d="m3 13 9 5 9-5" />
  </>,
);
export const ClockIcon = make(
  <>
    <circle cx="12" cy="12" r="8.5" />
    <path d="M12 7.5V12l3 2" />
  </>,
);
export const MenuIcon = make(<path d="M4 6h16M4 12h16M4 18h16" />);
export const ListIcon = make(<path d="M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01" />);
export const LogOutIcon = make(<path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 16l-4-4 4-4M6 12h10" />);
export const SettingsIcon = make(
  <>
    <circle cx="12" cy="12" r="3" />
    <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 0 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 0 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 0 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 0 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
  </>,
);
export const KeyIcon = make(
  <>
    <circle cx="8" cy="15" r="4" />
    <path d="m11 12 9-9M17 6l3 3M15 8l2 2" />
  </>,
);
export const VoicemailIcon = make(
  <>
    <circle cx="6.5" cy="12" r="3.5" />
    <circle cx="17.5" cy="12" r="3.5" />
    <path d="M6.5 15.5h11" />
  </>,
);
export const AlertIcon = make(
  <>
    <path d="M12 4 2.5 20h19L12 4z" />
    <path d="M12 10v4M12 17h.01" />
  </>,
);
export const ArrowUpIcon = make(<path d="M12 19V5M6 11l6-6 6 6" />);
export const ArrowDownIcon = make(<path d="M12 5v14M6 13l6 6 6-6" />);
