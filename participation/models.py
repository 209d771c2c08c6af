"""Import every domain's models so that SQLAlchemy and Alembic see the whole schema."""

from participation.accounts.models import AgeBand, Role, User, UserRole  # noqa: F401
from participation.audit.models import AuditEntry  # noqa: F401
from participation.events.models import (  # noqa: F401
    Event,
    EventLanguage,
    EventStatus,
    Topic,
    event_actions,
    event_organisers,
)
from participation.feedback.models import (  # noqa: F401
    ClosingOutcome,
    ClosingReport,
    Opinion,
    OpinionReport,
    OpinionSource,
    OpinionStatus,
    OpinionTheme,
    RejectedSuggestion,
    Stance,
    Theme,
)
from participation.images.models import Image, ImageRendition  # noqa: F401
from participation.mail.models import OutboxMessage, OutboxStatus  # noqa: F401
from participation.places.models import Venue  # noqa: F401
from participation.policy.models import (  # noqa: F401
    ActionStatus,
    ActionUpdate,
    PolicyAction,
    PolicyDocument,
    Priority,
)
from participation.registrations.models import (  # noqa: F401
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from participation.worker.models import JobRun  # noqa: F401
