/**
 * A small, deterministic keyword classifier for short professional texts (posts, job ads).
 *
 * 1. The text is tokenised: diacritics dropped, lower-cased, possessive "'s" and apostrophes
 *    removed, everything that is not a letter or digit becomes a word break.
 * 2. Keywords are matched left to right, longest first: a phrase such as "machine learning" or
 *    "teaching hospital" takes its words, which then count for nothing else ("learning" is not
 *    education there). A keyword word matches its plural forms too ("farm" matches "farms",
 *    "company" matches "companies"); a word ending in "*" matches any word it starts
 *    ("entrepreneur*" matches "entrepreneurship").
 * 3. Each label scores the sum of the weights of the distinct keywords found: 2 for a word that
 *    settles the topic on its own, 1 for a hint that needs another.
 * 4. A label fires when it reaches {@link THRESHOLD} and at least {@link RELATIVE} of the best
 *    label's score, so a word in passing does not add a second label. No label: `others`.
 */

// The two tables below are laid out to be read a row at a time; Prettier leaves them as written.
// prettier-ignore
export const INDUSTRY_LABELS = [
  'agriculture', 'banking', 'business', 'commerce', 'construction', 'education', 'entertainment',
  'government', 'health', 'manufacturing', 'media', 'others', 'sports', 'technology', 'transportation',
] as const;

export type IndustryLabel = (typeof INDUSTRY_LABELS)[number];

type ScoredLabel = Exclude<IndustryLabel, 'others'>;

/** The score a label needs to fire. */
const THRESHOLD = 2;
/** The share of the best label's score another label needs to fire beside it. */
const RELATIVE = 0.5;

/** Keyword → weight, per label. Lower-case words separated by single spaces; see the notes above. */
// prettier-ignore
const KEYWORDS: Record<ScoredLabel, Record<string, number>> = {
  agriculture: {
    'agricultur*': 2, agri: 2, agribusiness: 2, agritech: 2, agro: 2, 'agronom*': 2, agroforestry: 2,
    agrochemical: 2, 'agro processing': 2, 'agro allied': 2, farm: 2, farmer: 2, farming: 2, farmland: 2,
    crop: 2, harvest: 2, harvesting: 2, 'post harvest': 2, livestock: 2, poultry: 2, aquaculture: 2,
    fishery: 2, 'fish farm': 2, 'fish farming': 2, irrigation: 2, cattle: 2, herder: 2, herdsmen: 2,
    ranch: 2, smallholder: 2, plantation: 2, orchard: 2, 'horticultur*': 2, fertilizer: 2, fertiliser: 2,
    pesticide: 2, herbicide: 2, tractor: 2, greenhouse: 2, hectare: 2, cassava: 2, maize: 2, sorghum: 2,
    millet: 2, soybean: 2, groundnut: 2, paddy: 2, broiler: 2, hatchery: 2, fingerling: 2, catfish: 2,
    tilapia: 2, beekeeping: 2, piggery: 2, 'animal husbandry': 2, outgrower: 2, seedling: 2,
    'extension officer': 2, 'soil health': 2, 'food security': 1, goat: 1, sheep: 1, grain: 1, rice: 1,
    tomato: 1, cocoa: 1, cashew: 1, 'palm oil': 1, soil: 1, seed: 1, planting: 1, 'rainy season': 1,
    'dry season': 1, rural: 1, feed: 1, fish: 1, veterinary: 1, yield: 1, rearer: 1,
  },
  banking: {
    bank: 2, banking: 2, banker: 2, 'central bank': 2, mortgage: 2, loan: 2, lending: 2, lender: 2,
    borrower: 2, 'credit card': 2, 'credit facility': 2, 'credit risk': 2, 'credit analysis': 2,
    'credit score': 2, deposit: 2, 'fixed deposit': 2, 'savings account': 2, 'current account': 2,
    'account number': 2, 'interest rate': 2, 'basis point': 2, overdraft: 2, atm: 2, bvn: 2,
    microfinance: 2, treasury: 2, forex: 2, 'foreign exchange': 2, teller: 2, 'monetary policy': 2,
    'retail banking': 2, 'investment banking': 2, 'per annum': 2, fintech: 1, remittance: 1, collateral: 1,
    repayment: 1, savings: 1, pin: 1, otp: 1, account: 1, credit: 1, inflation: 1, withdrawal: 1, naira: 1,
    'relationship manager': 1, 'capital market': 1, financial: 1, finance: 1,
  },
  business: {
    'entrepreneur*': 2, 'small business': 2, 'business plan': 2, 'business owner': 2,
    'business development': 2, sme: 2, msme: 2, leadership: 2, ceo: 2, consulting: 2, consultancy: 2,
    marketing: 2, profitability: 2, 'cash flow': 2, b2b: 2, kpi: 2, 'growth strategy': 2,
    'key account': 2, 'team building': 2, startup: 1, founder: 1, strategy: 1, sales: 1, management: 1,
    leader: 1, consultant: 1, profit: 1, revenue: 1, investor: 1, investment: 1, brand: 1, branding: 1,
    client: 1, growth: 1, operations: 1, 'negotiat*': 1, pitch: 1, partnership: 1, corporate: 1,
    stakeholder: 1, productivity: 1, business: 1, company: 1, workplace: 1, 'human resources': 1,
  },
  commerce: {
    'e commerce': 2, ecommerce: 2, retail: 2, retailer: 2, 'online store': 2, 'online shop': 2,
    shopper: 2, shopping: 2, marketplace: 2, wholesale: 2, wholesaler: 2, 'free trade': 2, merchant: 2,
    supermarket: 2, mall: 2, checkout: 2, 'black friday': 2, fmcg: 2, afcfta: 2, 'free delivery': 2,
    'free shipping': 2, 'import dut*': 2, importer: 2, exporter: 2, distributor: 2, 'retail sales': 2,
    shop: 1, store: 1, trader: 1, trade: 1, import: 1, export: 1, customs: 1, vendor: 1, inventory: 1,
    discount: 1, deal: 1, order: 1, 'sell*': 1, buyer: 1, customer: 1, consumer: 1, purchase: 1, pos: 1,
    market: 1, goods: 1, price: 1, stock: 1, fashion: 1, delivery: 1,
  },
  construction: {
    construction: 2, contractor: 2, 'civil engineer': 2, 'civil engineering': 2, 'construction site': 2,
    'building site': 2, 'site engineer': 2, architectural: 2, cement: 2, concrete: 2, rebar: 2,
    'iron rod': 2, bricklayer: 2, mason: 2, masonry: 2, 'scaffold*': 2, slab: 2, storey: 2, 'high rise': 2,
    'real estate': 2, 'property developer': 2, 'real estate developer': 2, 'housing estate': 2,
    'quantity surveyor': 2, 'road construction': 2, roofing: 2, tiling: 2, earthworks: 2, 'excavat*': 2,
    bulldozer: 2, 'structural engineer': 2, 'building plan': 2, 'building cost': 2, 'building material': 2,
    architect: 1, architecture: 1, block: 1, plumber: 1, plumbing: 1, electrician: 1, carpenter: 1,
    foundation: 1, housing: 1, estate: 1, surveyor: 1, bridge: 1, drainage: 1, renovation: 1,
    apartment: 1, property: 1, structural: 1, helmet: 1, crane: 1, building: 1, site: 1, 'rehabilitat*': 1,
  },
  education: {
    school: 2, student: 2, university: 2, college: 2, polytechnic: 2, teacher: 2, tutor: 2, tutoring: 2,
    scholarship: 2, lecture: 2, lecturer: 2, professor: 2, classroom: 2, curriculum: 2, academic: 2,
    education: 2, educational: 2, educator: 2, learner: 2, graduation: 2, exam: 2, examination: 2,
    waec: 2, jamb: 2, neco: 2, utme: 2, undergraduate: 2, postgraduate: 2, phd: 2, literacy: 2, pupil: 2,
    kindergarten: 2, headteacher: 2, campus: 2, semester: 2, syllabus: 2, homework: 2, 'enrol*': 2,
    'enroll*': 2, edtech: 2, course: 1, teaching: 1, tutorial: 1, graduate: 1, graduated: 1, master: 1,
    degree: 1, diploma: 1, principal: 1, lesson: 1, study: 1, learning: 1, learn: 1, bootcamp: 1,
    training: 1, alumni: 1, faculty: 1, class: 1, parent: 1, child: 1, children: 1, reading: 1,
  },
  entertainment: {
    music: 2, musician: 2, song: 2, singer: 2, album: 2, concert: 2, movie: 2, film: 2, filmmaker: 2,
    cinema: 2, actor: 2, actress: 2, comedy: 2, comedian: 2, nollywood: 2, hollywood: 2, afrobeats: 2,
    celebrity: 2, gaming: 2, gamer: 2, 'video game': 2, dancer: 2, dj: 2, rapper: 2, artiste: 2,
    theatre: 2, theater: 2, 'stage play': 2, netflix: 2, showbiz: 2, entertainment: 2, entertainer: 2,
    premiere: 2, 'red carpet': 2, 'box office': 2, soundtrack: 2, casting: 2, audition: 2, 'binge watch*': 2,
    'reality show': 2, 'big brother': 2, bbnaija: 2, 'stand up comedy': 2, nightlife: 2, spotify: 2,
    musical: 2, performer: 2, artist: 1, acting: 1, dance: 1, drama: 1, series: 1, festival: 1, party: 1,
    producer: 1, episode: 1, show: 1, ticket: 1, streaming: 1, chart: 1, lineup: 1, spoiler: 1, fan: 1,
    documentary: 1, season: 1, stage: 1,
  },
  government: {
    government: 2, governance: 2, governor: 2, governorship: 2, ministry: 2, minister: 2, ministerial: 2,
    senate: 2, senator: 2, 'house of representatives': 2, 'national assembly': 2, parliament: 2,
    'legislat*': 2, lawmaker: 2, election: 2, electoral: 2, voter: 2, inec: 2, presidency: 2,
    'federal government': 2, 'state government': 2, 'local government': 2, 'public service': 2,
    'civil service': 2, 'civil servant': 2, 'public administration': 2, 'public policy': 2,
    'executive order': 2, mayor: 2, politician: 2, 'public procurement': 2, 'permanent secretary': 2,
    'public sector': 2, 'government agency': 2, 'red tape': 2, policy: 1, regulation: 1, regulator: 1,
    regulatory: 1, bill: 1, law: 1, commissioner: 1, council: 1, politics: 1, political: 1,
    democracy: 1, citizen: 1, tax: 1, taxation: 1, budget: 1, procurement: 1, agency: 1, police: 1,
    military: 1, president: 1, federal: 1, vote: 1, 'land registry': 1, public: 1, national: 1,
  },
  health: {
    hospital: 2, doctor: 2, nurse: 2, nursing: 2, medical: 2, medicine: 2, patient: 2, clinic: 2,
    clinical: 2, vaccine: 2, vaccination: 2, immunization: 2, immunisation: 2, pharmacy: 2,
    pharmacist: 2, healthcare: 2, 'health care': 2, 'mental health': 2, 'public health': 2,
    diagnosis: 2, diagnostic: 2, surgery: 2, surgeon: 2, dentist: 2, dental: 2, therapist: 2, malaria: 2,
    hiv: 2, diabetes: 2, 'blood pressure': 2, hypertension: 2, cancer: 2, illness: 2, transplant: 2,
    antenatal: 2, maternal: 2, midwife: 2, 'physiotherap*': 2, 'optometr*': 2, 'laboratory scientist': 2,
    'lab scientist': 2, icu: 2, 'intensive care': 2, ambulance: 2, epidemic: 2, pandemic: 2, covid: 2,
    telemedicine: 2, 'heart disease': 2, caregiver: 2, health: 1, vaccinate: 1, therapy: 1, disease: 1,
    kidney: 1, wellness: 1, nutrition: 1, emergency: 1, outbreak: 1, screening: 1, symptom: 1, sleep: 1,
    pharmaceutical: 1, drug: 1,
  },
  manufacturing: {
    factory: 2, manufacturing: 2, manufacturer: 2, manufacture: 2, 'processing plant': 2,
    'production line': 2, bottling: 2, 'assembly line': 2, 'steel mill': 2, 'textile mill': 2, textile: 2,
    gmp: 2, 'lean manufacturing': 2, 'shop floor': 2, 'production floor': 2, 'factory floor': 2,
    foundry: 2, 'made in nigeria': 2, 'production capacity': 2, 'production supervisor': 2,
    'production manager': 2, 'raw material': 2, plant: 1, assembly: 1, production: 1, industrial: 1,
    mill: 1, steel: 1, machinery: 1, machine: 1, 'quality control': 1, 'six sigma': 1, packaging: 1,
    'fabricat*': 1, welding: 1, refinery: 1, processing: 1, operator: 1, automation: 1, 'maintenance technician': 1,
    output: 1, capacity: 1, shift: 1, fabric: 1, defect: 1, crafted: 1,
  },
  media: {
    journalism: 2, journalist: 2, newsroom: 2, 'news anchor': 2, 'breaking news': 2, 'news outlet': 2,
    reporter: 2, broadcast: 2, broadcaster: 2, radio: 2, tv: 2, television: 2, podcast: 2,
    'press freedom': 2, 'press release': 2, publishing: 2, publisher: 2, newspaper: 2, magazine: 2,
    editor: 2, editorial: 2, 'social media': 2, 'content creator': 2, 'content creation': 2, youtube: 2,
    tiktok: 2, blog: 2, blogger: 2, newsletter: 2, presenter: 2, columnist: 2, headline: 2,
    'print edition': 2, photojournalist: 2, cameraman: 2, 'tune in': 2, 'news bulletin': 2, bulletin: 2,
    news: 1, press: 1, reporting: 1, influencer: 1, instagram: 1, documentary: 1, anchor: 1, media: 1,
    copywriter: 1, subscriber: 1, viral: 1, storytelling: 1, episode: 1, coverage: 1, story: 1,
  },
  sports: {
    football: 2, soccer: 2, league: 2, athlete: 2, athletics: 2, tournament: 2, olympic: 2, olympics: 2,
    basketball: 2, tennis: 2, boxing: 2, boxer: 2, marathon: 2, sport: 2, stadium: 2, fifa: 2,
    'world cup': 2, 'super eagles': 2, 'premier league': 2, 'champions league': 2, afcon: 2, striker: 2,
    goalkeeper: 2, referee: 2, 'transfer window': 2, medal: 2, championship: 2, cricket: 2, rugby: 2,
    volleyball: 2, handball: 2, golf: 2, 'football club': 2, 'race day': 2, match: 1, coach: 1, goal: 1,
    player: 1, fitness: 1, gym: 1, champion: 1, swimming: 1, club: 1, fan: 1, jersey: 1, knockout: 1,
    squad: 1, race: 1, team: 1, training: 1, win: 1, won: 1, gold: 1,
  },
  technology: {
    software: 2, developer: 2, programming: 2, programmer: 2, coding: 2, coder: 2, ai: 2,
    'artificial intelligence': 2, 'machine learning': 2, 'deep learning': 2, 'generative ai': 2, llm: 2,
    cloud: 2, 'cloud computing': 2, 'data science': 2, 'data scientist': 2, 'data engineer': 2,
    'data analyst': 2, 'big data': 2, api: 2, 'mobile app': 2, 'web app': 2, 'web development': 2,
    cybersecurity: 2, 'cyber security': 2, infosec: 2, encryption: 2, 'two factor': 2, '2fa': 2,
    backend: 2, frontend: 2, 'full stack': 2, fullstack: 2, devops: 2, saas: 2, tech: 2, technology: 2,
    'it support': 2, typescript: 2, javascript: 2, python: 2, java: 2, react: 2, 'node js': 2, nodejs: 2,
    postgresql: 2, sql: 2, database: 2, kubernetes: 2, docker: 2, aws: 2, azure: 2, github: 2,
    'open source': 2, blockchain: 2, algorithm: 2, robotics: 2, iot: 2, webhook: 2, 'solutions architect': 2,
    'ui ux': 2, agritech: 1, edtech: 1, fintech: 1, data: 1, app: 1, code: 1, website: 1, authentication: 1,
    server: 1, digital: 1, internet: 1, computer: 1, 'deploy*': 1, automation: 1, startup: 1,
    innovation: 1, smartphone: 1, drone: 1, satellite: 1, infrastructure: 1, platform: 1, online: 1,
    engineer: 1, product: 1, privacy: 1, model: 1,
  },
  transportation: {
    logistics: 2, transport: 2, transportation: 2, shipping: 2, 'container ship': 2, airline: 2,
    aviation: 2, airport: 2, railway: 2, rail: 2, 'light rail': 2, trucking: 2, truck: 2, haulage: 2,
    freight: 2, cargo: 2, 'ride hailing': 2, uber: 2, 'dispatch rider': 2, fleet: 2, seaport: 2,
    maritime: 2, commute: 2, commuter: 2, commuting: 2, brt: 2, taxi: 2, okada: 2, keke: 2, 'supply chain': 2,
    'last mile': 2, aircraft: 2, 'port congestion': 2, 'bus terminal': 2, container: 1, flight: 1,
    pilot: 1, driver: 1, courier: 1, delivery: 1, port: 1, ship: 1, vessel: 1, passenger: 1, bus: 1,
    motorcycle: 1, traffic: 1, road: 1, highway: 1, route: 1, routing: 1, warehouse: 1, warehousing: 1,
    interstate: 1, terminal: 1, van: 1, vehicle: 1, bolt: 1, dispatch: 1,
  },
};

/** One word of a keyword: its accepted forms, or a prefix when it ended in "*". */
type WordPattern = { kind: 'forms'; forms: ReadonlySet<string> } | { kind: 'prefix'; prefix: string };

interface Keyword {
  readonly text: string;
  readonly words: readonly [WordPattern, ...WordPattern[]];
  /** The labels listing this keyword, with their weights. */
  readonly labels: ReadonlyArray<readonly [ScoredLabel, number]>;
}

/** A word and its plural forms: farm/farms, bus/buses, company/companies. */
function wordForms(word: string): Set<string> {
  const forms = new Set([word, `${word}s`, `${word}es`]);
  if (/[^aeiou]y$/.test(word)) forms.add(`${word.slice(0, -1)}ies`);
  return forms;
}

function wordPattern(word: string): WordPattern {
  return word.endsWith('*') ? { kind: 'prefix', prefix: word.slice(0, -1) } : { kind: 'forms', forms: wordForms(word) };
}

function wordMatches(pattern: WordPattern, token: string): boolean {
  return pattern.kind === 'prefix' ? token.startsWith(pattern.prefix) : pattern.forms.has(token);
}

/** Every keyword once, with the labels that list it; longest first, then alphabetical. */
const COMPILED: readonly Keyword[] = (() => {
  const byText = new Map<string, Array<readonly [ScoredLabel, number]>>();
  for (const label of Object.keys(KEYWORDS).sort() as ScoredLabel[]) {
    for (const [text, weight] of Object.entries(KEYWORDS[label])) {
      byText.set(text, [...(byText.get(text) ?? []), [label, weight] as const]);
    }
  }
  return [...byText]
    .map(([text, labels]): Keyword => {
      // `split` always yields at least one word.
      const [first = text, ...rest] = text.split(' ');
      return { text, words: [wordPattern(first), ...rest.map(wordPattern)], labels };
    })
    .sort((a, b) => b.words.length - a.words.length || a.text.localeCompare(b.text));
})();

/** Lower-cased words of a text, without diacritics, apostrophes or punctuation. */
function tokenize(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`]s\b/g, '')
    .replace(/['’‘`]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((token) => token.length > 0);
}

function matchesAt(keyword: Keyword, tokens: readonly string[], start: number): boolean {
  return keyword.words.every((pattern, offset) => {
    const token = tokens[start + offset];
    return token !== undefined && wordMatches(pattern, token);
  });
}

/**
 * Keywords by the exact forms of their first word, and those whose first word is a prefix:
 * each position of a text looks only at keywords that can start there (long posts stay cheap).
 */
const BY_FIRST_FORM = new Map<string, Keyword[]>();
const BY_PREFIX: Keyword[] = [];
for (const keyword of COMPILED) {
  const first = keyword.words[0];
  if (first.kind === 'prefix') BY_PREFIX.push(keyword);
  else for (const form of first.forms) BY_FIRST_FORM.set(form, [...(BY_FIRST_FORM.get(form) ?? []), keyword]);
}

/** The score of each label: the weights of the distinct keywords found, longest match first. */
function scoreIndustries(text: string): Map<ScoredLabel, number> {
  const tokens = tokenize(text);
  const found = new Set<Keyword>();
  let position = 0;
  for (let token = tokens[position]; token !== undefined; token = tokens[position]) {
    const word = token;
    const candidates = [...(BY_FIRST_FORM.get(word) ?? []), ...BY_PREFIX.filter((keyword) => wordMatches(keyword.words[0], word))];
    // The longest keywords that match take the position (and its following words).
    let length = 0;
    for (const keyword of candidates.sort((a, b) => b.words.length - a.words.length)) {
      if (length > 0 && keyword.words.length < length) break;
      if (matchesAt(keyword, tokens, position)) {
        length = keyword.words.length;
        found.add(keyword);
      }
    }
    position += Math.max(length, 1);
  }
  const scores = new Map<ScoredLabel, number>();
  for (const keyword of found) {
    for (const [label, weight] of keyword.labels) scores.set(label, (scores.get(label) ?? 0) + weight);
  }
  return scores;
}

/** The labels a text is about, alphabetical; `['others']` when none scores enough. */
export function classifyIndustryLabels(text: string): IndustryLabel[] {
  const scores = scoreIndustries(text);
  const best = Math.max(0, ...scores.values());
  const labels = [...scores]
    .filter(([, score]) => score >= THRESHOLD && score >= best * RELATIVE)
    .map(([label]) => label)
    .sort();
  return labels.length > 0 ? labels : ['others'];
}

/** The labels of {@link classifyIndustryLabels}, comma-joined: "education", "entertainment,media", "others". */
export function classifyIndustries(text: string): string {
  return classifyIndustryLabels(text).join(',');
}
