"""Demo content: Ghent's policy note, three European plans, topics, accounts and events.

``load_demo()`` is idempotent: it looks everything up by slug, code or e-mail address
and only creates what is missing; it never changes what is already there. Event dates
are relative to ``now``, so a fresh load always shows upcoming events.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from participation.accounts.models import Role, User, UserRole
from participation.database import utcnow
from participation.events.demo_extras import (
    load_demo_followers,
    load_demo_images,
    load_demo_venues,
)
from participation.events.models import Event, EventLanguage, EventStatus, Topic
from participation.extensions import db
from participation.policy.models import ActionStatus, PolicyAction, PolicyDocument, Priority
from participation.registrations.models import Registration, RegistrationStatus

BRUSSELS = ZoneInfo("Europe/Brussels")
#: Check-in code alphabet without the look-alikes 0/O and 1/I.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

PLANNED, IN_PROGRESS, DONE = ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE

DOCUMENTS = [
    {
        "slug": "ghent-international",
        "position": 1,
        "issuer_nl": "Stad Gent",
        "issuer_en": "City of Ghent",
        "title_nl": "Beleidsnota Internationalisering",
        "title_en": "Policy note on internationalisation",
        "summary_nl": (
            "Met deze beleidsnota zet Gent in op vier topprioriteiten en meer dan 40 acties "
            "voor zijn internationale samenwerking en positionering: Europese Jongerenhoofdstad "
            "2024, Culturele Hoofdstad van Europa 2030, Europa's technologiehoofdstad en "
            "klimaatneutraal in 2050."
        ),
        "summary_en": (
            "With this policy note Ghent focuses on four top priorities and more than 40 actions "
            "for its international cooperation and positioning: European Youth Capital 2024, "
            "European Capital of Culture 2030, Europe's technology capital and climate "
            "neutrality by 2050."
        ),
        "url": None,
    },
    {
        "slug": "european-green-deal",
        "position": 2,
        "issuer_nl": "Europese Commissie",
        "issuer_en": "European Commission",
        "title_nl": "De Europese Green Deal",
        "title_en": "The European Green Deal",
        "summary_nl": (
            "Het plan van de Europese Commissie (december 2019) om van Europa tegen 2050 het "
            "eerste klimaatneutrale continent te maken, met een eerlijke overgang waarin niemand "
            "achterblijft."
        ),
        "summary_en": (
            "The European Commission's plan (December 2019) to make Europe the first "
            "climate-neutral continent by 2050, through a just transition that leaves no one "
            "behind."
        ),
        "url": (
            ""
            "https://commission.europa.eu/strategy-and-policy/priorities-2019-2024/european-green-deal_en"
        ),
    },
    {
        "slug": "eu-climate-plan",
        "position": 3,
        "issuer_nl": "Europese Commissie",
        "issuer_en": "European Commission",
        "title_nl": "EU-klimaatdoelplan 2030",
        "title_en": "EU 2030 climate target plan",
        "summary_nl": (
            "Het plan van de Europese Commissie (september 2020) om de netto-uitstoot van "
            "broeikasgassen tegen 2030 met minstens 55% te verminderen ten opzichte van 1990, "
            "en de maatregelen die daarvoor nodig zijn."
        ),
        "summary_en": (
            "The European Commission's plan (September 2020) to cut net greenhouse gas "
            "emissions by at least 55% by 2030 compared with 1990, and the measures needed "
            "to get there."
        ),
        "url": (
            ""
            "https://climate.ec.europa.eu/eu-action/climate-strategies-targets/2030-climate-targets_en"
        ),
    },
    {
        "slug": "conference-future-of-europe",
        "position": 4,
        "issuer_nl": "Europees Parlement, Raad en Europese Commissie",
        "issuer_en": "European Parliament, Council and Commission",
        "title_nl": "Conferentie over de toekomst van Europa",
        "title_en": "Conference on the Future of Europe",
        "summary_nl": (
            "Een jaar lang, van mei 2021 tot mei 2022, praatten burgers uit heel Europa over de "
            "toekomst van de Unie, in Europese burgerpanels en op een meertalig digitaal "
            "platform. Het eindverslag bevat 49 voorstellen."
        ),
        "summary_en": (
            "For a year, from May 2021 to May 2022, citizens from all over Europe discussed the "
            "future of the Union in European Citizens' Panels and on a multilingual digital "
            "platform. The final report contains 49 proposals."
        ),
        "url": "https://futureu.europa.eu",
    },
]

PRIORITIES = [
    # The policy note's four top priorities, then its further themes.
    {
        "document": "ghent-international",
        "slug": "european-youth-capital-2024",
        "position": 1,
        "is_top_priority": True,
        "title_nl": "Europese Jongerenhoofdstad 2024",
        "title_en": "European Youth Capital 2024",
        "summary_nl": (
            "Gent stelt zich samen met jongeren kandidaat als Europese Jongerenhoofdstad 2024."
        ),
        "summary_en": "Together with young people, Ghent bids to be European Youth Capital 2024.",
    },
    {
        "document": "ghent-international",
        "slug": "european-capital-of-culture-2030",
        "position": 2,
        "is_top_priority": True,
        "title_nl": "Culturele Hoofdstad van Europa 2030",
        "title_en": "European Capital of Culture 2030",
        "summary_nl": "Gent wil in 2030 Culturele Hoofdstad van Europa zijn.",
        "summary_en": "Ghent aims to be European Capital of Culture in 2030.",
    },
    {
        "document": "ghent-international",
        "slug": "technology-capital",
        "position": 3,
        "is_top_priority": True,
        "title_nl": "Europa's technologiehoofdstad",
        "title_en": "Europe's technology capital",
        "summary_nl": "Gent groeit uit tot technologiehoofdstad van Europa.",
        "summary_en": "Ghent develops into Europe's technology capital.",
    },
    {
        "document": "ghent-international",
        "slug": "climate-neutral-2050",
        "position": 4,
        "is_top_priority": True,
        "title_nl": "Klimaatneutraal in 2050",
        "title_en": "Climate neutral by 2050",
        "summary_nl": "Gent is tegen 2050 klimaatneutraal.",
        "summary_en": "Ghent is climate neutral by 2050.",
    },
    {
        "document": "ghent-international",
        "slug": "international-talent",
        "position": 5,
        "title_nl": "Internationaal talent",
        "title_en": "International talent",
        "summary_nl": (
            "Gent trekt internationale studenten, onderzoekers en werknemers aan en houdt ze."
        ),
        "summary_en": "Ghent attracts and retains international students, researchers and workers.",
    },
    {
        "document": "ghent-international",
        "slug": "international-image",
        "position": 6,
        "title_nl": "Internationale uitstraling",
        "title_en": "International image",
        "summary_nl": "Citymarketing, internationale prijzen, bezoeken en conferenties.",
        "summary_en": "Urban marketing, international awards, visits and conferences.",
    },
    {
        "document": "ghent-international",
        "slug": "cross-border-networking",
        "position": 7,
        "title_nl": "Grensoverschrijdend netwerken",
        "title_en": "Cross-border networking",
        "summary_nl": "Europese en internationale netwerken, zustersteden en Europese middelen.",
        "summary_en": "European and international networks, sister cities and European funding.",
    },
    {
        "document": "ghent-international",
        "slug": "citizen-participation",
        "position": 8,
        "title_nl": "Inspraak van Gentenaars",
        "title_en": "Citizen participation",
        "summary_nl": (
            "Inwoners en partners van Gent krijgen een stem in het internationale beleid."
        ),
        "summary_en": "Ghent's residents and partners get a say in international policy.",
    },
    # Chapters of the European plans.
    {
        "document": "european-green-deal",
        "slug": "green-deal-climate-energy",
        "position": 1,
        "title_nl": "Klimaat en energie",
        "title_en": "Climate and energy",
    },
    {
        "document": "european-green-deal",
        "slug": "green-deal-food-nature",
        "position": 2,
        "title_nl": "Voedsel en natuur",
        "title_en": "Food and nature",
    },
    {
        "document": "european-green-deal",
        "slug": "green-deal-circular-economy",
        "position": 3,
        "title_nl": "Circulaire economie",
        "title_en": "Circular economy",
    },
    {
        "document": "eu-climate-plan",
        "slug": "climate-plan-2030-target",
        "position": 1,
        "title_nl": "Het klimaatdoel voor 2030",
        "title_en": "The 2030 climate target",
    },
    {
        "document": "eu-climate-plan",
        "slug": "climate-plan-carbon-pricing",
        "position": 2,
        "title_nl": "Een eerlijke prijs op CO2",
        "title_en": "A fair carbon price",
    },
    {
        "document": "eu-climate-plan",
        "slug": "climate-plan-cities",
        "position": 3,
        "title_nl": "Steden aan zet",
        "title_en": "Cities leading the way",
    },
    {
        "document": "conference-future-of-europe",
        "slug": "cofe-citizens-have-their-say",
        "position": 1,
        "title_nl": "Burgers aan het woord",
        "title_en": "Citizens have their say",
    },
    {
        "document": "conference-future-of-europe",
        "slug": "cofe-proposals",
        "position": 2,
        "title_nl": "Voorstellen en opvolging",
        "title_en": "Proposals and follow-up",
    },
]

ACTIONS = [
    {
        "code": "A01",
        "priority": "european-youth-capital-2024",
        "title_nl": "Kandidatuur Europese Jongerenhoofdstad 2024",
        "title_en": "Bid for European Youth Capital 2024",
        "summary_nl": (
            "Samen met Gentse jongeren en jeugdorganisaties dienen we een kandidatuur in om "
            "Europese Jongerenhoofdstad 2024 te worden. Het jongerenprogramma dat daarvoor "
            "ontstaat, zetten we verder, wat de uitkomst ook is."
        ),
        "summary_en": (
            "Together with young Ghentians and youth organisations, we submit a bid to become "
            "European Youth Capital 2024. The youth programme built for the bid continues, "
            "whatever the outcome."
        ),
        "status": DONE,
        "progress": 100,
        "feedback_open": False,
    },
    {
        "code": "A02",
        "priority": "european-capital-of-culture-2030",
        "title_nl": "Kandidatuur Culturele Hoofdstad van Europa 2030",
        "title_en": "Candidacy for European Capital of Culture 2030",
        "summary_nl": (
            "Met de culturele sector, de Gentse wijken en onze partners bereiden we een "
            "kandidatuur voor om in 2030 Culturele Hoofdstad van Europa te worden."
        ),
        "summary_en": (
            "With the cultural sector, Ghent's neighbourhoods and our partners, we prepare a "
            "candidacy to become European Capital of Culture in 2030."
        ),
        "status": IN_PROGRESS,
        "progress": 45,
    },
    {
        "code": "A03",
        "priority": "technology-capital",
        "title_nl": "Gent als technologiehoofdstad van Europa",
        "title_en": "Ghent as Europe's technology capital",
        "summary_nl": (
            "We bundelen de krachten van de universiteit, hogescholen, onderzoekscentra en "
            "bedrijven om Gent internationaal op de kaart te zetten als technologiestad. We "
            "zetten in op digitale innovatie, biotechnologie en duurzame industrie."
        ),
        "summary_en": (
            "We join forces with the university, colleges, research centres and companies to "
            "put Ghent on the international map as a technology city, focusing on digital "
            "innovation, biotechnology and sustainable industry."
        ),
        "status": IN_PROGRESS,
        "progress": 30,
    },
    {
        "code": "A04",
        "priority": "climate-neutral-2050",
        "title_nl": "Klimaatneutraal tegen 2050",
        "title_en": "Climate neutral by 2050",
        "summary_nl": (
            "We verminderen de uitstoot van broeikasgassen in Gent stap voor stap, tot de stad "
            "in 2050 klimaatneutraal is. We leren daarbij van andere Europese steden en zetten "
            "Europese middelen in."
        ),
        "summary_en": (
            "We cut greenhouse gas emissions in Ghent step by step until the city is climate "
            "neutral in 2050, learning from other European cities and using European funding."
        ),
        "status": IN_PROGRESS,
        "progress": 25,
    },
    {
        "code": "A05",
        "priority": "international-talent",
        "title_nl": "Onderzoek naar een internationale secundaire school",
        "title_en": "Study on an international secondary school",
        "summary_nl": (
            "We onderzoeken of er in Gent een internationale secundaire school kan komen, zodat "
            "gezinnen van internationale werknemers en onderzoekers hier langer blijven."
        ),
        "summary_en": (
            "We examine whether an international secondary school can be set up in Ghent, so "
            "that families of international workers and researchers stay longer."
        ),
        "status": IN_PROGRESS,
        "progress": 60,
    },
    {
        "code": "A06",
        "priority": "international-talent",
        "title_nl": "Internationaal talent aantrekken en houden",
        "title_en": "Attracting and retaining international talent",
        "summary_nl": (
            "We maken het internationale studenten, onderzoekers en werknemers makkelijker om "
            "zich in Gent te vestigen, met een warm onthaal, duidelijke informatie en hulp bij "
            "wonen en werken."
        ),
        "summary_en": (
            "We make it easier for international students, researchers and workers to settle in "
            "Ghent, with a warm welcome, clear information and help with housing and work."
        ),
        "status": IN_PROGRESS,
        "progress": 40,
    },
    {
        "code": "A07",
        "priority": "international-image",
        "title_nl": "Citymarketingfonds",
        "title_en": "Urban marketing fund",
        "summary_nl": (
            "Met een citymarketingfonds steunen we activiteiten die de internationale ambities "
            "en de uitstraling van Gent versterken."
        ),
        "summary_en": (
            "Through an urban marketing fund we support activities that strengthen Ghent's "
            "international ambitions and image."
        ),
        "status": IN_PROGRESS,
        "progress": 70,
    },
    {
        "code": "A08",
        "priority": "international-image",
        "title_nl": "Strategisch kader voor internationale prijzen",
        "title_en": "Strategic framework for international awards",
        "summary_nl": (
            "We ontwikkelen een strategisch kader om gericht mee te dingen naar internationale "
            "prijzen en de voordelen ervan zo goed mogelijk te benutten."
        ),
        "summary_en": (
            "We develop a strategic framework to compete for international awards in a targeted "
            "way and make the most of their advantages."
        ),
        "status": IN_PROGRESS,
        "progress": 50,
    },
    {
        "code": "A09",
        "priority": "international-image",
        "title_nl": "Internationale erkenning voor Gent en Garde",
        "title_en": "International recognition for Gent en Garde",
        "summary_nl": (
            "Het Gentse voedselbeleid Gent en Garde kreeg al verschillende internationale "
            "erkenningen. We tonen het beleid internationaal en delen onze ervaring met andere "
            "steden."
        ),
        "summary_en": (
            "Ghent's food policy, Gent en Garde, has received several international "
            "recognitions. We showcase it abroad and share our experience with other cities."
        ),
        "status": DONE,
        "progress": 100,
    },
    {
        "code": "A10",
        "priority": "international-image",
        "title_nl": "Gastheer voor het diplomatieke evenement van FOD Buitenlandse Zaken",
        "title_en": "Hosting the diplomatic event of FPS Foreign Affairs",
        "summary_nl": (
            "Gent ontvangt het diplomatieke evenement van de Federale Overheidsdienst "
            "Buitenlandse Zaken en stelt de stad voor aan diplomaten uit de hele wereld."
        ),
        "summary_en": (
            "Ghent hosts the diplomatic event of the Federal Public Service Foreign Affairs and "
            "presents the city to diplomats from all over the world."
        ),
        "status": DONE,
        "progress": 100,
        "feedback_open": False,
    },
    {
        "code": "A11",
        "priority": "international-image",
        "title_nl": "Thuiskomstevenement voor buitenlandse diplomaten",
        "title_en": "Homecoming event for foreign diplomats",
        "summary_nl": (
            "We stellen Gent kandidaat om het thuiskomstevenement van de Vlaamse Regering voor "
            "buitenlandse diplomaten te ontvangen."
        ),
        "summary_en": (
            "We put Ghent forward to host the Flemish Government's homecoming event for foreign "
            "diplomats."
        ),
        "status": IN_PROGRESS,
        "progress": 80,
    },
    {
        "code": "A12",
        "priority": "international-image",
        "title_nl": "Ministeriële conferenties tijdens het Belgische EU-voorzitterschap 2024",
        "title_en": "Ministerial conferences during the 2024 Belgian EU Council presidency",
        "summary_nl": (
            "Tijdens het Belgische voorzitterschap van de Raad van de Europese Unie in 2024 "
            "stelt Gent zich kandidaat om ministeriële conferenties te ontvangen."
        ),
        "summary_en": (
            "During Belgium's presidency of the Council of the European Union in 2024, Ghent "
            "puts itself forward to host ministerial conferences."
        ),
        "status": DONE,
        "progress": 100,
    },
    {
        "code": "A13",
        "priority": "cross-border-networking",
        "title_nl": "Actief in het uitvoerend comité van Eurocities",
        "title_en": "Active in the Eurocities executive committee",
        "summary_nl": (
            "Gent blijft actief meewerken in het uitvoerend comité van Eurocities, het netwerk "
            "van grote Europese steden, en brengt er de stem van de stad in."
        ),
        "summary_en": (
            "Ghent keeps playing an active part in the executive committee of Eurocities, the "
            "network of major European cities, and brings in the city's voice."
        ),
        "status": IN_PROGRESS,
        "progress": 50,
    },
    {
        "code": "A14",
        "priority": "cross-border-networking",
        "title_nl": "Engagement in het Global Parliament of Mayors",
        "title_en": "Commitment to the Global Parliament of Mayors",
        "summary_nl": (
            "Gent zet zich in voor het Global Parliament of Mayors, waar burgemeesters van over "
            "de hele wereld samen oplossingen zoeken voor stedelijke uitdagingen."
        ),
        "summary_en": (
            "Ghent is committed to the Global Parliament of Mayors, where mayors from all over "
            "the world look for shared solutions to urban challenges."
        ),
        "status": IN_PROGRESS,
        "progress": 35,
    },
    {
        "code": "A15",
        "priority": "cross-border-networking",
        "title_nl": "Vernieuwd samenwerkingsakkoord met zusterstad Kanazawa",
        "title_en": "Renewed cooperation agreement with sister city Kanazawa",
        "summary_nl": (
            "We vernieuwen het samenwerkingsakkoord met onze Japanse zusterstad Kanazawa, met "
            "uitwisselingen in cultuur, onderwijs en ambachten."
        ),
        "summary_en": (
            "We renew the cooperation agreement with our Japanese sister city Kanazawa, with "
            "exchanges in culture, education and crafts."
        ),
        "status": DONE,
        "progress": 100,
    },
    {
        "code": "A16",
        "priority": "cross-border-networking",
        "title_nl": "Evaluatie van de andere stedenbanden",
        "title_en": "Review of other city agreements",
        "summary_nl": (
            "We bekijken de andere samenwerkingsakkoorden met steden: welke werken, welke "
            "vernieuwen we en welke ronden we af."
        ),
        "summary_en": (
            "We review our other cooperation agreements with cities: which work, which we renew "
            "and which we bring to a close."
        ),
        "status": IN_PROGRESS,
        "progress": 20,
    },
    {
        "code": "A17",
        "priority": "cross-border-networking",
        "title_nl": "Internationaal HR-beleid voor stadspersoneel",
        "title_en": "International HR policy for city staff",
        "summary_nl": (
            "We ontwikkelen een HR-beleid dat internationaal werken stimuleert bij het "
            "stadspersoneel, met uitwisselingen, opleidingen en talenkennis."
        ),
        "summary_en": (
            "We develop an HR policy that promotes international working methods among city "
            "staff, with exchanges, training and language skills."
        ),
        "status": PLANNED,
        "progress": 0,
    },
    {
        "code": "A18",
        "priority": "cross-border-networking",
        "title_nl": "Europese subsidies voor innovatieve stadsprojecten",
        "title_en": "European funding for innovative urban projects",
        "summary_nl": (
            "We blijven Europese subsidies aanvragen om innovatieve projecten en initiatieven "
            "in de stad uit te voeren."
        ),
        "summary_en": (
            "We keep using European subsidies to carry out innovative urban projects and "
            "initiatives."
        ),
        "status": IN_PROGRESS,
        "progress": 65,
    },
    {
        "code": "A19",
        "priority": "citizen-participation",
        "title_nl": "Jaarlijkse kleinschalige publieksevenementen",
        "title_en": "Yearly small-scale public events",
        "summary_nl": (
            "Elk jaar organiseren we kleinschalige publieksevenementen waar Gentenaars hun "
            "mening geven over het internationale beleid van de stad en over plannen van andere "
            "overheden, zoals de Green Deal, het EU-klimaatplan en de Conferentie over de "
            "toekomst van Europa."
        ),
        "summary_en": (
            "Every year we organise small-scale public events where Ghentians have their say on "
            "the city's international policy and on other governments' plans, such as the Green "
            "Deal, the EU climate plan and the Conference on the Future of Europe."
        ),
        "status": IN_PROGRESS,
        "progress": 55,
    },
    {
        "code": "A20",
        "priority": "citizen-participation",
        "title_nl": "Groot internationaal evenement voor Gentenaars en organisaties in 2023",
        "title_en": "Major international event for Ghentians and organisations in 2023",
        "summary_nl": (
            "In 2023 organiseren we een groot internationaal evenement waar Gentenaars en Gentse "
            "organisaties elkaar en internationale partners ontmoeten."
        ),
        "summary_en": (
            "In 2023 we organise a major international event where Ghentians and Ghent "
            "organisations meet each other and international partners."
        ),
        "status": DONE,
        "progress": 100,
    },
    # The European Green Deal.
    {
        "code": "GD01",
        "priority": "green-deal-climate-energy",
        "title_nl": "Europese klimaatwet",
        "title_en": "European Climate Law",
        "summary_nl": (
            "De klimaatwet (2021) maakt klimaatneutraliteit tegen 2050 wettelijk bindend voor "
            "de hele EU, met als tussendoel minstens 55% minder netto-uitstoot tegen 2030 ten "
            "opzichte van 1990."
        ),
        "summary_en": (
            "The Climate Law (2021) makes climate neutrality by 2050 legally binding for the "
            "whole EU, with an intermediate target of at least 55% lower net emissions by 2030 "
            "compared with 1990."
        ),
        "status": DONE,
        "progress": 100,
    },
    {
        "code": "GD02",
        "priority": "green-deal-climate-energy",
        "title_nl": "Fit for 55-pakket",
        "title_en": "Fit for 55 package",
        "summary_nl": (
            "Een pakket wetsvoorstellen (juli 2021) dat het Europese klimaat-, energie- en "
            "vervoersbeleid afstemt op 55% minder uitstoot tegen 2030, onder meer met strengere "
            "CO2-normen voor nieuwe auto's en meer hernieuwbare energie."
        ),
        "summary_en": (
            "A package of proposals (July 2021) that aligns EU climate, energy and transport "
            "policy with 55% lower emissions by 2030, including stricter CO2 standards for new "
            "cars and more renewable energy."
        ),
        "status": IN_PROGRESS,
        "progress": 80,
    },
    {
        "code": "GD03",
        "priority": "green-deal-climate-energy",
        "title_nl": "Renovatiegolf",
        "title_en": "Renovation Wave",
        "summary_nl": (
            "De strategie (oktober 2020) om het renovatietempo van gebouwen in tien jaar minstens "
            "te verdubbelen, zodat woningen zuiniger, gezonder en betaalbaarder worden."
        ),
        "summary_en": (
            "The strategy (October 2020) to at least double the renovation rate of buildings "
            "within ten years, making homes more efficient, healthier and more affordable."
        ),
        "status": IN_PROGRESS,
        "progress": 40,
    },
    {
        "code": "GD04",
        "priority": "green-deal-food-nature",
        "title_nl": "Van boer tot bord-strategie",
        "title_en": "Farm to Fork strategy",
        "summary_nl": (
            "De strategie (mei 2020) voor een eerlijk, gezond en milieuvriendelijk "
            "voedselsysteem, met onder meer de helft minder chemische pesticiden en minstens "
            "een kwart biologische landbouwgrond tegen 2030."
        ),
        "summary_en": (
            "The strategy (May 2020) for a fair, healthy and environmentally friendly food "
            "system, including halving the use of chemical pesticides and farming at least a "
            "quarter of agricultural land organically by 2030."
        ),
        "status": IN_PROGRESS,
        "progress": 35,
    },
    {
        "code": "GD05",
        "priority": "green-deal-food-nature",
        "title_nl": "Biodiversiteitsstrategie voor 2030",
        "title_en": "Biodiversity strategy for 2030",
        "summary_nl": (
            "De strategie (mei 2020) om minstens 30% van het land en 30% van de zee in Europa "
            "te beschermen en beschadigde natuur te herstellen."
        ),
        "summary_en": (
            "The strategy (May 2020) to protect at least 30% of Europe's land and 30% of its "
            "seas and to restore damaged ecosystems."
        ),
        "status": IN_PROGRESS,
        "progress": 30,
    },
    {
        "code": "GD06",
        "priority": "green-deal-circular-economy",
        "title_nl": "Actieplan circulaire economie",
        "title_en": "Circular Economy Action Plan",
        "summary_nl": (
            "Het actieplan (maart 2020) om producten duurzamer, herstelbaar en herbruikbaar te "
            "maken en afval te voorkomen, met aandacht voor elektronica, verpakkingen, textiel "
            "en bouw."
        ),
        "summary_en": (
            "The action plan (March 2020) to make products more durable, repairable and "
            "reusable and to prevent waste, focusing on electronics, packaging, textiles and "
            "construction."
        ),
        "status": IN_PROGRESS,
        "progress": 50,
    },
    # The EU 2030 climate target plan.
    {
        "code": "CP01",
        "priority": "climate-plan-2030-target",
        "title_nl": "55% minder netto-uitstoot tegen 2030",
        "title_en": "55% lower net emissions by 2030",
        "summary_nl": (
            "Het plan verhoogt het Europese klimaatdoel voor 2030 naar minstens 55% minder "
            "netto-uitstoot van broeikasgassen ten opzichte van 1990, als tussenstap naar "
            "klimaatneutraliteit in 2050."
        ),
        "summary_en": (
            "The plan raises the EU's 2030 climate target to at least 55% lower net greenhouse "
            "gas emissions compared with 1990, as a step towards climate neutrality in 2050."
        ),
        "status": IN_PROGRESS,
        "progress": 60,
    },
    {
        "code": "CP02",
        "priority": "climate-plan-carbon-pricing",
        "title_nl": "Emissiehandel voor gebouwen en wegvervoer",
        "title_en": "Emissions trading for buildings and road transport",
        "summary_nl": (
            "Naast het bestaande Europese emissiehandelssysteem (ETS) komt er een apart systeem "
            "voor brandstoffen voor gebouwen en wegvervoer (ETS2), zodat ook die uitstoot een "
            "prijs krijgt."
        ),
        "summary_en": (
            "Next to the existing EU Emissions Trading System (ETS), a separate system for fuels "
            "used in buildings and road transport (ETS2) puts a price on those emissions too."
        ),
        "status": IN_PROGRESS,
        "progress": 45,
    },
    {
        "code": "CP03",
        "priority": "climate-plan-carbon-pricing",
        "title_nl": "Sociaal Klimaatfonds",
        "title_en": "Social Climate Fund",
        "summary_nl": (
            "Het fonds steunt kwetsbare gezinnen, micro-ondernemingen en vervoersgebruikers bij "
            "de overgang, bijvoorbeeld met renovatie, zuinige verwarming en betaalbaar openbaar "
            "vervoer. Het wordt deels betaald met inkomsten uit ETS2."
        ),
        "summary_en": (
            "The fund supports vulnerable households, micro-enterprises and transport users in "
            "the transition, for instance with renovation, efficient heating and affordable "
            "public transport. It is partly financed by ETS2 revenues."
        ),
        "status": PLANNED,
        "progress": 0,
    },
    {
        "code": "CP04",
        "priority": "climate-plan-cities",
        "title_nl": "EU-missie: 100 klimaatneutrale en slimme steden tegen 2030",
        "title_en": "EU Mission: 100 climate-neutral and smart cities by 2030",
        "summary_nl": (
            "Gent is een van de 100 Europese steden die gekozen zijn om al tegen 2030 "
            "klimaatneutraal te worden. De stad sluit daarvoor een klimaatstadscontract met "
            "inwoners, bedrijven en organisaties."
        ),
        "summary_en": (
            "Ghent is one of the 100 European cities selected to become climate neutral by as "
            "early as 2030. The city agrees a Climate City Contract with residents, companies "
            "and organisations."
        ),
        "status": IN_PROGRESS,
        "progress": 35,
    },
    # The Conference on the Future of Europe.
    {
        "code": "CF01",
        "priority": "cofe-citizens-have-their-say",
        "title_nl": "Aanbevelingen van de Europese burgerpanels",
        "title_en": "Recommendations of the European Citizens' Panels",
        "summary_nl": (
            "Vier Europese burgerpanels van telkens 200 willekeurig gekozen burgers uit alle "
            "lidstaten schreven aanbevelingen; een derde van de deelnemers was tussen 16 en 25 "
            "jaar."
        ),
        "summary_en": (
            "Four European Citizens' Panels of 200 randomly selected citizens from all member "
            "states each wrote recommendations; a third of the members were aged 16 to 25."
        ),
        "status": DONE,
        "progress": 100,
    },
    {
        "code": "CF02",
        "priority": "cofe-citizens-have-their-say",
        "title_nl": "Meertalig digitaal platform",
        "title_en": "Multilingual digital platform",
        "summary_nl": (
            "Op het digitale platform konden burgers in de 24 officiële talen van de EU ideeën "
            "delen, erover discussiëren en evenementen aankondigen."
        ),
        "summary_en": (
            "On the digital platform citizens could share ideas, discuss them and announce "
            "events in all 24 official EU languages."
        ),
        "status": DONE,
        "progress": 100,
    },
    {
        "code": "CF03",
        "priority": "cofe-citizens-have-their-say",
        "title_nl": "Jongeren betrekken bij Europa",
        "title_en": "Involving young people in Europe",
        "summary_nl": (
            "Jongeren kregen een centrale plaats in de conferentie. De opvolging vraagt om "
            "blijvende inspraak van jongeren in Europese beslissingen."
        ),
        "summary_en": (
            "Young people had a central place in the conference. The follow-up calls for a "
            "lasting say for young people in European decisions."
        ),
        "status": IN_PROGRESS,
        "progress": 40,
    },
    {
        "code": "CF04",
        "priority": "cofe-proposals",
        "title_nl": "Voorstellen over klimaatverandering en milieu",
        "title_en": "Proposals on climate change and the environment",
        "summary_nl": (
            "Het eindverslag van mei 2022 bevat voorstellen over onder meer hernieuwbare "
            "energie, duurzaam vervoer, biodiversiteit en voedsel. De Europese instellingen "
            "werken ze verder uit."
        ),
        "summary_en": (
            "The final report of May 2022 contains proposals on renewable energy, sustainable "
            "transport, biodiversity and food, among others. The EU institutions are following "
            "them up."
        ),
        "status": IN_PROGRESS,
        "progress": 50,
    },
    {
        "code": "CF05",
        "priority": "cofe-proposals",
        "title_nl": "Voorstellen over Europese democratie",
        "title_en": "Proposals on European democracy",
        "summary_nl": (
            "Burgers vroegen om meer inspraak, bijvoorbeeld via burgerpanels, en om een Unie die "
            "haar beslissingen beter uitlegt. Ook hier loopt de opvolging."
        ),
        "summary_en": (
            "Citizens asked for more say, for instance through citizens' panels, and for a Union "
            "that explains its decisions better. Follow-up is ongoing here too."
        ),
        "status": IN_PROGRESS,
        "progress": 30,
    },
]

TOPICS = [
    {
        "slug": "european-green-deal",
        "position": 1,
        "name_nl": "Europese Green Deal",
        "name_en": "European Green Deal",
        "description_nl": (
            "Hoe maakt Europa de overstap naar een klimaatneutrale economie, en wat betekent "
            "dat voor Gent en voor jou?"
        ),
        "description_en": (
            "How is Europe moving to a climate-neutral economy, and what does that mean for "
            "Ghent and for you?"
        ),
    },
    {
        "slug": "eu-climate-plan",
        "position": 2,
        "name_nl": "EU-klimaatplan",
        "name_en": "EU climate plan",
        "description_nl": (
            "Het Europese plan voor 55% minder uitstoot tegen 2030, en Gent als een van de 100 "
            "klimaatneutrale missiesteden."
        ),
        "description_en": (
            "The EU plan for 55% lower emissions by 2030, and Ghent as one of the 100 "
            "climate-neutral mission cities."
        ),
    },
    {
        "slug": "conference-future-of-europe",
        "position": 3,
        "name_nl": "Conferentie over de toekomst van Europa",
        "name_en": "Conference on the Future of Europe",
        "description_nl": "Wat vroegen burgers aan Europa, en wat gebeurt er met hun voorstellen?",
        "description_en": "What did citizens ask of Europe, and what happens to their proposals?",
    },
    {
        "slug": "local-international-policy",
        "position": 4,
        "name_nl": "Internationaal beleid van Gent",
        "name_en": "Ghent's international policy",
        "description_nl": (
            "De beleidsnota Internationalisering van Stad Gent: topprioriteiten, internationaal "
            "talent, uitstraling en netwerken."
        ),
        "description_en": (
            "The City of Ghent's policy note on internationalisation: top priorities, "
            "international talent, image and networks."
        ),
    },
]

USERS = [
    {"email": "organiser@example.org", "name": "Demo Organiser", "roles": [Role.ORGANISER]},
    {"email": "staff@example.org", "name": "Demo Staff", "roles": [Role.STAFF]},
    {"email": "admin@example.org", "name": "Demo Admin", "roles": [Role.ADMIN]},
]
ORGANISER_EMAIL = "organiser@example.org"

_GENT_ZUID = "halte Gent Zuid (tram 2 en 4 en tal van buslijnen)"
_KORENMARKT = (
    "Tram 1 en 4, halte Korenmarkt (5 minuten wandelen). Tram 1 rijdt rechtstreeks van "
    "station Gent-Sint-Pieters naar de Korenmarkt."
)

VENUES = {
    "de-krook": {
        "venue_name": "De Krook",
        "address": "Miriam Makebaplein 1, 9000 Gent",
        "public_transport": f"Op 5 minuten wandelen van {_GENT_ZUID}.",
        "bike": "Fietsenstalling aan de Krook en aan het Woodrow Wilsonplein.",
        "step_free": True,
        "hearing_loop": True,
        "accessibility_notes": (
            "Lift naar alle verdiepingen; toegankelijk toilet op elke verdieping."
        ),
    },
    "bibliotheek-de-krook": {
        "venue_name": "Bibliotheek De Krook",
        "address": "Miriam Makebaplein 1, 9000 Gent",
        "public_transport": f"A 5-minute walk from {_GENT_ZUID.replace('halte', 'stop')}.",
        "bike": "Bike parking at De Krook and at Woodrow Wilsonplein.",
        "step_free": True,
        "hearing_loop": True,
        "accessibility_notes": "Lift to all floors; accessible toilets on every floor.",
    },
    "het-pand": {
        "venue_name": "Het Pand (UGent)",
        "address": "Onderbergen 1, 9000 Gent",
        "public_transport": _KORENMARKT,
        "bike": "Fietsrekken aan de Onderbergen; fietsenstalling aan de Korenmarkt.",
        "step_free": True,
        "hearing_loop": False,
        "accessibility_notes": (
            "De refter is bereikbaar met een lift; de binnenkoer heeft kasseien."
        ),
    },
    "viernulvier": {
        "venue_name": "Viernulvier (Vooruit)",
        "address": "Sint-Pietersnieuwstraat 23, 9000 Gent",
        "public_transport": f"Op 5 minuten wandelen van {_GENT_ZUID}.",
        "bike": "Fietsenstalling in de Sint-Pietersnieuwstraat.",
        "step_free": True,
        "hearing_loop": True,
        "accessibility_notes": "Toegankelijke ingang en lift via de zij-ingang.",
    },
    "icc-gent": {
        "venue_name": "ICC Gent",
        "address": "Van Rysselberghedreef 2, 9000 Gent",
        "public_transport": (
            "Op 10 minuten wandelen van station Gent-Sint-Pieters (trein, tram 1 en 4, "
            "tal van buslijnen) door het Citadelpark."
        ),
        "bike": "Fietsenstalling aan de ingang in het Citadelpark.",
        "step_free": True,
        "hearing_loop": True,
        "accessibility_notes": None,
    },
    "stadhuis": {
        "venue_name": "Stadhuis Gent, Pacificatiezaal",
        "address": "Botermarkt 1, 9000 Gent",
        "public_transport": _KORENMARKT,
        "bike": "Fietsrekken op de Botermarkt en aan het Emile Braunplein.",
        "step_free": False,
        "hearing_loop": False,
        "accessibility_notes": (
            "Historisch gebouw met trappen; een aangepaste ingang met lift is er op aanvraag. "
            "Meld het bij je inschrijving."
        ),
    },
    "stam": {
        "venue_name": "STAM – Gents Stadsmuseum",
        "address": "Godshuizenlaan 2, 9000 Gent",
        "public_transport": (
            "Op 15 minuten wandelen van station Gent-Sint-Pieters en van Gent Zuid."
        ),
        "bike": "Fietsrekken aan de ingang van de Bijlokesite.",
        "step_free": True,
        "hearing_loop": True,
        "accessibility_notes": "Rolstoelen te leen aan het onthaal.",
    },
    "ufo": {
        "venue_name": "Campus UGent Ufo, auditorium",
        "address": "Sint-Pietersnieuwstraat 33, 9000 Gent",
        "public_transport": (
            f"Op 5 minuten wandelen van {_GENT_ZUID}; vanaf station Gent-Sint-Pieters "
            "ongeveer 20 minuten te voet."
        ),
        "bike": "Grote overdekte fietsenstalling op de campus.",
        "step_free": True,
        "hearing_loop": True,
        "accessibility_notes": None,
    },
    "de-centrale": {
        "venue_name": "De Centrale",
        "address": "Kraankindersstraat 2, 9000 Gent",
        "public_transport": "Op 5 minuten wandelen van station Gent-Dampoort (trein en bus).",
        "bike": "Fietsrekken in de straat; fietsenstalling aan station Gent-Dampoort.",
        "step_free": True,
        "hearing_loop": False,
        "accessibility_notes": "Alles op het gelijkvloers.",
    },
}

#: ``days`` is counted from today in Brussels; times are Brussels local time.
#: ``confirmed`` creates that many confirmed demo registrations.
EVENTS = [
    {
        "slug": "green-deal-in-jouw-wijk",
        "topic": "european-green-deal",
        "venue": "de-krook",
        "days": 5,
        "starts": "19:00",
        "ends": "21:30",
        "capacity": 60,
        "actions": ["GD01", "GD03", "A04"],
        "title": "De Green Deal in jouw wijk",
        "summary": (
            "Wat betekent de Europese Green Deal voor het leven in Gent? Ontdek de plannen en "
            "geef je mening over wat de stad als eerste moet aanpakken."
        ),
        "description": (
            "Europa wil tegen 2050 klimaatneutraal zijn, Gent ook. Maar wat verandert er "
            "concreet in jouw straat? We leggen de plannen eenvoudig uit en vragen jouw "
            "mening.\n\n"
            "**Programma**\n\n"
            "- 19.00 Onthaal met koffie en thee\n"
            "- 19.15 De Green Deal in tien minuten\n"
            "- 19.30 Gesprekstafels: wonen, verplaatsen, energie\n"
            "- 21.00 Wat nemen we mee? Terugkoppeling aan de stad\n"
        ),
        "registration_opens_days": -14,
    },
    {
        "slug": "renovatiegolf-samen-renoveren",
        "topic": "european-green-deal",
        "venue": "de-centrale",
        "days": 9,
        "starts": "19:30",
        "ends": "21:30",
        "capacity": 40,
        "confirmed": 38,
        "actions": ["GD03", "CP03"],
        "title": "Renovatiegolf: samen je woning energiezuinig maken",
        "summary": (
            "Europa wil het renovatietempo verdubbelen. Hoe zorgen we ervoor dat ook huurders "
            "en kleine eigenaars mee kunnen? Praat mee over de Renovatiegolf."
        ),
        "description": (
            "Renoveren is duur en ingewikkeld. Europa en Gent willen het makkelijker maken. "
            "Vertel ons wat jou tegenhoudt en wat zou helpen.\n\n"
            "**Programma**\n\n"
            "- 19.30 Welkom\n"
            "- 19.40 De Europese Renovatiegolf en het Sociaal Klimaatfonds\n"
            "- 20.00 Getuigenissen van Gentse bewoners\n"
            "- 20.30 In groepjes: wat heb jij nodig?\n"
        ),
        "sign_language_on_request": True,
    },
    {
        "slug": "van-boer-tot-bord-gent-en-garde",
        "topic": "european-green-deal",
        "venue": "het-pand",
        "days": 14,
        "starts": "19:00",
        "ends": "21:00",
        "capacity": 80,
        "actions": ["GD04", "A09", "A08"],
        "title": "Van boer tot bord: Gent en Garde en de Europese voedselstrategie",
        "summary": (
            "Het Gentse voedselbeleid Gent en Garde viel internationaal al in de prijzen. Hoe "
            "past het bij de Europese Van boer tot bord-strategie? Proef, luister en geef je "
            "mening."
        ),
        "description": (
            "Lokaal, gezond en eerlijk eten: Gent doet het al jaren met Gent en Garde. Europa "
            "wil hetzelfde voor het hele continent.\n\n"
            "**Programma**\n\n"
            "- 19.00 Proeverij met lokale producten\n"
            "- 19.30 Gent en Garde en de Europese strategie\n"
            "- 20.00 Panel met Gentse boeren en koks\n"
            "- 20.30 Jouw ideeën voor het voedselbeleid\n"
        ),
        "registration_opens_days": -7,
        "closes_at_start": True,
    },
    {
        "slug": "fit-for-55-online-uitgelegd",
        "topic": "european-green-deal",
        "venue": None,
        "online_url": "https://meet.example.org/gent-fit-for-55",
        "days": 7,
        "starts": "12:30",
        "ends": "13:30",
        "capacity": None,
        "actions": ["GD02", "CP01"],
        "title": "Online: Fit for 55 uitgelegd tijdens de middagpauze",
        "summary": (
            "In een uur leggen we uit wat het Europese Fit for 55-pakket inhoudt. Stel je vragen "
            "in de chat en geef je mening in een korte peiling."
        ),
        "description": (
            "Een online lunchsessie over het Fit for 55-pakket: de Europese maatregelen om de "
            "uitstoot tegen 2030 met 55% te verminderen.\n\n"
            "**Programma**\n\n"
            "- 12.30 Fit for 55 in een notendop\n"
            "- 12.50 Wat betekent het voor Gent?\n"
            "- 13.10 Vragen uit de chat en peiling\n"
        ),
    },
    {
        "slug": "klimaatplan-prijs-op-co2",
        "topic": "eu-climate-plan",
        "venue": "ufo",
        "days": 21,
        "starts": "19:30",
        "ends": "21:30",
        "capacity": 120,
        "actions": ["CP02", "CP03", "CP01"],
        "title": "Het Europese klimaatplan en de prijs van CO2",
        "summary": (
            "Vanaf binnenkort betaal je ook voor de uitstoot van verwarming en brandstof. Hoe "
            "maken we dat eerlijk? Een avond met onderzoekers van UGent en jouw vragen."
        ),
        "description": (
            "Europa breidt de emissiehandel uit naar gebouwen en wegvervoer en richt een "
            "Sociaal Klimaatfonds op. Wat betekent dat voor jouw energiefactuur?\n\n"
            "**Programma**\n\n"
            "- 19.30 Inleiding door onderzoekers van UGent\n"
            "- 20.00 Debat: wie betaalt de overgang?\n"
            "- 20.45 Stemronde over de Gentse prioriteiten\n"
        ),
        "registration_opens_days": -10,
        "closes_at_start": True,
    },
    {
        "slug": "gent-missiestad-klimaatneutraal",
        "topic": "eu-climate-plan",
        "venue": "stadhuis",
        "days": 3,
        "starts": "19:00",
        "ends": "21:00",
        "capacity": 30,
        "confirmed": 28,
        "actions": ["CP04", "A04"],
        "title": "Gent, een van de 100 klimaatneutrale missiesteden",
        "summary": (
            "Gent wil al tegen 2030 klimaatneutraal zijn als Europese missiestad. Wat staat er "
            "in het klimaatstadscontract en wat kun jij bijdragen?"
        ),
        "description": (
            "In het stadhuis stellen we het Gentse klimaatstadscontract voor en bespreken we "
            "samen welke engagementen bewoners, bedrijven en organisaties willen aangaan.\n\n"
            "**Programma**\n\n"
            "- 19.00 Welkom door de schepen van Klimaat\n"
            "- 19.20 De EU-missie voor 100 klimaatneutrale steden\n"
            "- 19.45 Workshop: jouw engagement\n"
        ),
        "registration_opens_days": -21,
        "closes_at_start": True,
    },
    {
        "slug": "internationals-in-ghent-have-your-say",
        "topic": "local-international-policy",
        "venue": "bibliotheek-de-krook",
        "language": EventLanguage.ENGLISH,
        "days": 12,
        "starts": "18:30",
        "ends": "20:30",
        "capacity": 50,
        "actions": ["A06", "A05", "A17"],
        "title": "Living in Ghent as an international: have your say",
        "summary": (
            "New to Ghent or here for years? Tell the city what helps international residents "
            "feel at home and what should improve, from housing to schools."
        ),
        "description": (
            "The City of Ghent wants to attract and retain international talent. Who better to "
            "ask than the internationals who live here?\n\n"
            "**Programme**\n\n"
            "- 18.30 Drinks and introductions\n"
            "- 18.45 Ghent's plans for international talent\n"
            "- 19.00 Round tables: housing, work, schools, finding your way\n"
            "- 20.15 What we take back to the city\n"
        ),
        "registration_opens_days": -14,
    },
    {
        "slug": "internationale-secundaire-school",
        "topic": "local-international-policy",
        "venue": "stam",
        "days": 18,
        "starts": "19:30",
        "ends": "21:30",
        "capacity": 70,
        "actions": ["A05"],
        "title": "Een internationale secundaire school in Gent?",
        "summary": (
            "De stad onderzoekt of er een internationale secundaire school kan komen. Ouders, "
            "leerkrachten en jongeren: wat vinden jullie ervan?"
        ),
        "description": (
            "We stellen de eerste resultaten van het onderzoek voor en luisteren naar jouw "
            "vragen, bezorgdheden en ideeën.\n\n"
            "**Programma**\n\n"
            "- 19.30 Voorstelling van het onderzoek\n"
            "- 20.00 Vragen uit de zaal\n"
            "- 20.30 Tafelgesprekken met ouders, leerkrachten en jongeren\n"
        ),
        "sign_language_on_request": True,
    },
    {
        "slug": "gent-2030-culturele-hoofdstad",
        "topic": "local-international-policy",
        "venue": "viernulvier",
        "language": EventLanguage.BILINGUAL,
        "days": 28,
        "starts": "20:00",
        "ends": "22:00",
        "capacity": 100,
        "actions": ["A02", "A07"],
        "title": "Gent 2030: Culturele Hoofdstad van Europa / European Capital of Culture",
        "summary": (
            "Droom mee over Gent als Culturele Hoofdstad van Europa in 2030. "
            "Dream with us about Ghent as European Capital of Culture in 2030."
        ),
        "description": (
            "Welk verhaal vertelt Gent aan Europa? Kunstenaars, buurtwerkers en bewoners "
            "delen hun ideeën voor de kandidatuur.\n\n"
            "What story should Ghent tell Europe? Artists, community workers and residents "
            "share their ideas for the candidacy.\n\n"
            "**Programma / Programme**\n\n"
            "- 20.00 Welkom / Welcome\n"
            "- 20.15 Korte pitches / Short pitches\n"
            "- 20.45 Ideeënmarkt / Ideas market\n"
            "- 21.45 Afsluiter met muziek / Closing with music\n"
        ),
        "registration_opens_days": -30,
        "closes_at_start": True,
    },
    {
        "slug": "jongeren-en-de-toekomst-van-europa",
        "topic": "conference-future-of-europe",
        "venue": "de-krook",
        "days": 35,
        "starts": "19:00",
        "ends": "21:00",
        "capacity": 20,
        "confirmed": 19,
        "actions": ["CF03", "CF01", "A19"],
        "title": "Jongeren aan het woord: de toekomst van Europa",
        "summary": (
            "Voor jongeren van 16 tot 25 jaar: wat vroegen jongeren tijdens de Conferentie over "
            "de toekomst van Europa, en wat willen jullie nu?"
        ),
        "description": (
            "Een derde van de Europese burgerpanels waren jongeren. We bekijken wat zij "
            "voorstelden en schrijven samen een Gentse boodschap aan Europa.\n\n"
            "**Programma**\n\n"
            "- 19.00 Pizza en kennismaking\n"
            "- 19.20 Wat vroegen jongeren aan Europa?\n"
            "- 19.40 Workshop: onze boodschap\n"
        ),
        "registration_opens_days": -7,
    },
    {
        "slug": "europese-democratie-na-de-conferentie",
        "topic": "conference-future-of-europe",
        "venue": "icc-gent",
        "days": 45,
        "starts": "19:30",
        "ends": "21:30",
        "capacity": 90,
        "actions": ["CF05", "CF04", "CF02"],
        "title": "Europese democratie: wat gebeurde er met de voorstellen van burgers?",
        "summary": (
            "De Conferentie over de toekomst van Europa leverde 49 voorstellen op. Wat is er "
            "mee gebeurd? Een avond over inspraak in Europa, met een Europarlementslid."
        ),
        "description": (
            "Burgers vroegen om meer inspraak en duidelijker Europese beslissingen. We maken de "
            "balans op en vragen hoe jij betrokken wilt worden.\n\n"
            "**Programma**\n\n"
            "- 19.30 De conferentie in beeld\n"
            "- 19.50 Gesprek met een Europarlementslid\n"
            "- 20.30 Stellingen en stemming in de zaal\n"
        ),
    },
    {
        "slug": "gent-in-europese-netwerken",
        "topic": "local-international-policy",
        "venue": "stadhuis",
        "days": 60,
        "starts": "19:00",
        "ends": "21:00",
        "capacity": 45,
        "actions": ["A13", "A14", "A15", "A18"],
        "title": "Gent in de wereld: Eurocities, burgemeesters en zustersteden",
        "summary": (
            "Wat doet Gent in Eurocities en het Global Parliament of Mayors, en wat levert "
            "de band met zusterstad Kanazawa op? Ontdek het en geef je mening."
        ),
        "description": (
            "Gent werkt samen met steden in heel Europa en daarbuiten. Welke samenwerking "
            "vind jij belangrijk?\n\n"
            "**Programma**\n\n"
            "- 19.00 Gent in internationale netwerken\n"
            "- 19.30 Europese subsidies: drie Gentse projecten\n"
            "- 20.00 Zustersteden: wat houden we, wat veranderen we?\n"
        ),
        "registration_opens_days": -5,
        "closes_at_start": True,
    },
    # For realism: one event in the past and one not yet published.
    {
        "slug": "terugblik-gent-technologiestad",
        "topic": "local-international-policy",
        "venue": "de-krook",
        "days": -10,
        "starts": "19:00",
        "ends": "21:00",
        "capacity": 60,
        "actions": ["A03"],
        "title": "Gent, technologiehoofdstad van Europa?",
        "summary": (
            "Gent wil uitgroeien tot technologiehoofdstad van Europa. Wat betekent dat voor "
            "werk, onderwijs en de stad?"
        ),
        "description": (
            "Een avond over de technologische ambities van Gent.\n\n"
            "**Programma**\n\n"
            "- 19.00 Gentse technologie in vijf verhalen\n"
            "- 19.45 Gesprekstafels\n"
        ),
        "closes_at_start": True,
    },
    {
        "slug": "internationaal-werken-bij-de-stad",
        "topic": "local-international-policy",
        "venue": "de-centrale",
        "status": EventStatus.DRAFT,
        "days": 50,
        "starts": "19:00",
        "ends": "21:00",
        "capacity": 25,
        "actions": ["A17"],
        "title": "Internationaal werken bij de stad",
        "summary": "Hoe werkt het stadspersoneel samen met collega's in andere Europese steden?",
        "description": "Programma volgt.\n",
    },
]


def load_demo(now: datetime | None = None) -> dict[str, int]:
    """Create the demo content that is missing; flush, and return what was created."""
    now = now or utcnow()
    counts = dict.fromkeys(
        ("documents", "priorities", "actions", "topics", "users", "events", "registrations"), 0
    )

    for data in DOCUMENTS:
        counts["documents"] += _create_missing(PolicyDocument, "slug", data)
    db.session.flush()
    documents = _by(PolicyDocument, "slug")
    for data in PRIORITIES:
        counts["priorities"] += _create_missing(
            Priority, "slug", {**data, "document": documents[data["document"]]}
        )
    db.session.flush()
    priorities = _by(Priority, "slug")
    for data in ACTIONS:
        counts["actions"] += _create_missing(
            PolicyAction, "code", {**data, "priority": priorities[data["priority"]]}
        )
    for data in TOPICS:
        counts["topics"] += _create_missing(Topic, "slug", data)
    for data in USERS:
        roles = [UserRole(role=role) for role in data["roles"]]
        user = {**data, "roles": roles, "email_verified_at": now, "password_hash": None}
        counts["users"] += _create_missing(User, "email", user)
    db.session.flush()

    topics, actions = _by(Topic, "slug"), _by(PolicyAction, "code")
    organiser = db.session.scalar(sa.select(User).where(User.email == ORGANISER_EMAIL))
    existing = set(db.session.scalars(sa.select(Event.slug)))
    for data in EVENTS:
        if data["slug"] in existing:
            continue
        event = _build_event(data, now, topics, actions, organiser)
        db.session.add(event)
        counts["events"] += 1
        counts["registrations"] += _register_demo_residents(event, data.get("confirmed", 0), now)
    db.session.flush()
    counts.update(load_demo_extras())
    return counts


def load_demo_extras() -> dict[str, int]:
    """Load the demo content kept as data files by later features (venues, ...)."""
    return {"venues": load_demo_venues(), "follows": load_demo_followers(),
            "images": load_demo_images()}


def _create_missing(model: type, key: str, data: dict) -> int:
    """Add a row unless one with the same key exists; return 1 if it was added."""
    column = getattr(model, key)
    if db.session.scalar(sa.select(model).where(column == data[key])) is not None:
        return 0
    db.session.add(model(**data))
    return 1


def _by(model: type, key: str) -> dict:
    """Map every row of the model by its key column."""
    return {getattr(row, key): row for row in db.session.scalars(sa.select(model))}


def _brussels(now: datetime, days: int, clock: str) -> datetime:
    """Return the UTC time of ``clock`` (Brussels time), ``days`` after today in Brussels."""
    day = now.astimezone(BRUSSELS).date() + timedelta(days=days)
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS).astimezone(UTC)


def _build_event(data: dict, now: datetime, topics: dict, actions: dict, organiser) -> Event:
    """Build an event from its demo data, with dates relative to ``now``."""
    starts_at = _brussels(now, data["days"], data["starts"])
    venue = VENUES.get(data["venue"], {}) if data["venue"] else {}
    opens_days = data.get("registration_opens_days")
    return Event(
        slug=data["slug"],
        title=data["title"],
        summary=data["summary"],
        description=data["description"],
        topic=topics[data["topic"]],
        starts_at=starts_at,
        ends_at=_brussels(now, data["days"], data["ends"]),
        online_url=data.get("online_url"),
        language=data.get("language", EventLanguage.DUTCH),
        capacity=data["capacity"],
        status=data.get("status", EventStatus.PUBLISHED),
        sign_language_on_request=data.get("sign_language_on_request", False),
        registration_opens_at=now + timedelta(days=opens_days) if opens_days else None,
        registration_closes_at=starts_at if data.get("closes_at_start") else None,
        actions=[actions[code] for code in data["actions"]],
        organisers=[organiser] if organiser else [],
        **venue,
    )


def _register_demo_residents(event: Event, number: int, now: datetime) -> int:
    """Give the event ``number`` confirmed registrations and keep its counter equal."""
    codes: set[str] = set()
    while len(codes) < number:
        codes.add("".join(secrets.choice(CODE_ALPHABET) for _ in range(6)))
    for n, code in enumerate(sorted(codes), start=1):
        db.session.add(
            Registration(
                event=event,
                name=f"Demo Bewoner {n}",
                email=f"demo.resident.{n}@example.org",
                locale="nl",
                status=RegistrationStatus.CONFIRMED,
                manage_key=secrets.token_urlsafe(24),
                code=code,
                consent_at=now,
                confirmed_at=now,
            )
        )
    event.confirmed_count = number
    return number
