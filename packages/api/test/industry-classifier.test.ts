import { describe, expect, it } from 'vitest';
import { classifyIndustries, classifyIndustryLabels, INDUSTRY_LABELS, type IndustryLabel } from '../src/classifier/industry.js';

type LabelledText = readonly [text: string, expected: readonly IndustryLabel[]];

/**
 * Short posts and job ads, labelled by what they are about (as a reader would label them),
 * independently of the classifier's output. Several deliberately use a word from another
 * industry in passing ("branch", "customers", "teaching hospital", "architect").
 */
const LABELLED: readonly LabelledText[] = [
  // agriculture
  ['Just wrapped up our cassava harvest in Ogun State. Yields were up 30% thanks to better irrigation.', ['agriculture']],
  ['We are hiring a farm manager to oversee 200 hectares of maize and soybean production.', ['agriculture']],
  ['Poultry farmers: vaccinate your birds early in the rainy season to prevent Newcastle disease outbreaks.', ['agriculture']],
  ['Our aquaculture project now supplies catfish fingerlings to over 50 fish farms in the region.', ['agriculture']],
  ['Attended a workshop on soil health and organic fertilizer for smallholder farmers today.', ['agriculture']],
  ['Livestock feed prices keep climbing; cattle rearers are feeling the squeeze this dry season.', ['agriculture']],

  // banking
  ['Our bank just cut its mortgage rates for first-time home buyers. Visit any branch to learn more.', ['banking']],
  ['Job opening: Relationship Manager, Retail Banking. 5+ years experience in loan origination and credit analysis required.', ['banking']],
  ['The central bank raised the benchmark interest rate by 50 basis points to tame inflation.', ['banking']],
  ['Reminder: never share your account PIN or OTP with anyone claiming to be from your bank.', ['banking']],
  ['Excited to join the treasury team at a leading commercial bank as a foreign exchange analyst.', ['banking']],
  ['Fixed deposit customers now earn 12% per annum on savings above ₦1 million.', ['banking']],

  // business
  [
    'Three lessons I learned from scaling my small business: hire slowly, watch your cash flow, and talk to customers every week.',
    ['business'],
  ],
  ["Great leadership is not about having all the answers; it's about asking the right questions.", ['business']],
  ['We are looking for a Sales and Marketing Manager to drive our growth strategy and grow our client base.', ['business']],
  ['Hosted a masterclass for SME owners on writing a business plan that investors actually read.', ['business']],
  ['Entrepreneurs, your brand is the promise you make to clients. Keep it consistent.', ['business']],
  ['Our consulting firm helps mid-sized companies improve operations, management and profitability.', ['business']],

  // commerce
  ['Our online store now ships nationwide! Order before Friday and get free delivery on all fashion items.', ['commerce']],
  ['Retail sales dipped this quarter as shoppers cut back on non-essential purchases.', ['commerce']],
  ['Hiring: store supervisor for our supermarket branch in Ikeja. Cash handling and inventory experience needed.', ['commerce']],
  ["Nigeria's non-oil exports grew this year as more traders took advantage of the AfCFTA free trade agreement.", ['commerce']],
  ['Launched my e-commerce marketplace for handmade crafts. Vendors can sign up and start selling today.', ['commerce']],
  ['Wholesale prices at the market have gone up; traders say import duties are to blame.', ['commerce']],

  // construction
  ['Site update: the foundation and ground-floor slab for the 12-storey office block are complete.', ['construction']],
  ['Vacancy: Civil Engineer with experience supervising road construction and drainage works.', ['construction']],
  ['Cement and iron rod prices have nearly doubled, making it tough for contractors to finish projects on budget.', ['construction']],
  ['Proud of our architecture team for completing the design of a 300-unit affordable housing estate.', ['construction']],
  ['Safety first on every construction site: helmets, boots and harnesses are not optional.', ['construction']],
  ['Real estate developers are shifting to smaller apartments as building costs rise.', ['construction']],

  // education
  ['Congratulations to all our students who graduated today! Your hard work paid off.', ['education']],
  ['We are hiring secondary school Mathematics and Physics teachers for the new academic session.', ['education']],
  ["Applications for the fully funded master's scholarship close on 30 June. Share with anyone who needs it.", ['education']],
  ['Just delivered my first lecture as an assistant professor in the department of economics.', ['education']],
  ['Our free online course on personal finance now has 10,000 learners enrolled.', ['education']],
  ['Parents, reading with your child for 20 minutes a day improves literacy more than any tutoring.', ['education']],

  // entertainment
  ["Can't wait for Saturday's concert! The lineup of Afrobeats artists is incredible.", ['entertainment']],
  ['Our new Nollywood comedy hits cinemas this Friday. Bring the whole family!', ['entertainment']],
  ['Casting call: we need actors and dancers for a musical stage production in Lagos.', ['entertainment']],
  ['Spent the weekend binge-watching the new season of my favourite series. No spoilers please!', ['entertainment']],
  ["Grateful to have produced the soundtrack for this year's biggest comedy film.", ['entertainment']],
  ['The celebrity wedding of the year had the whole city talking, from the guest list to the dance floor.', ['entertainment']],

  // government
  ['The Ministry of Finance has released new guidelines for public procurement.', ['government']],
  ['Voters are encouraged to collect their permanent voter cards before the governorship election.', ['government']],
  ['The Senate passed the bill to reform the police and strengthen local government autonomy.', ['government']],
  ['Vacancy: Administrative Officer, Federal Civil Service Commission. Open to graduates in public administration.', ['government']],
  ['The new state governor pledged to reduce red tape and digitise all land registry services.', ['government']],
  ['Public policy works best when citizens are consulted before regulations are passed.', ['government']],

  // health
  ['Our hospital is recruiting registered nurses for the intensive care unit. Night shift allowance available.', ['health']],
  ['Reminder: free malaria screening and vaccination at the community clinic this Saturday.', ['health']],
  ["After 12 years as a pharmacist, I'm starting my own community pharmacy. Wish me luck!", ['health']],
  ["Mental health matters. Take breaks, talk to someone, and don't be afraid to see a therapist.", ['health']],
  ["Doctors at the teaching hospital performed the state's first successful kidney transplant.", ['health']],
  ['Drink water, sleep well and get your blood pressure checked regularly.', ['health']],

  // manufacturing
  ['Our factory in Agbara just commissioned a new bottling line that doubles production capacity.', ['manufacturing']],
  ['Hiring: Production Supervisor for a food processing plant. Experience with GMP and quality control required.', ['manufacturing']],
  ['Local manufacturers say high diesel costs are forcing them to cut shifts at their plants.', ['manufacturing']],
  ['Lean manufacturing cut our assembly defects by 40% in six months.', ['manufacturing']],
  ['The steel mill will resume operations next month after a two-year shutdown.', ['manufacturing']],
  ['Visited a textile mill today; the machines spin and weave thousands of metres of fabric every hour.', ['manufacturing']],

  // media
  ['Our newsroom is hiring a senior reporter to cover politics and business.', ['media']],
  ['Tune in to our radio show tomorrow at 8am as we discuss youth unemployment.', ['media']],
  ['New episode of the podcast is out! We talk about storytelling with two award-winning journalists.', ['media']],
  ['Press freedom is the backbone of democracy. Stand with journalists everywhere.', ['media']],
  ['Looking for a social media manager to run our Instagram, X and TikTok pages.', ['media']],
  ['The newspaper will stop its print edition and go fully digital next year.', ['media']],

  // sports
  ['What a match! The Super Eagles qualified for the World Cup with a late goal.', ['sports']],
  ['Our academy is hiring a basketball coach for the under-16 team.', ['sports']],
  ['She won gold in the 100m at the Olympics, the first for her country in 20 years.', ['sports']],
  ['Marathon training update: 30km this morning. Race day is three weeks away!', ['sports']],
  ['The league announced a new salary cap for players starting next season.', ['sports']],
  ['Tennis taught me discipline, patience and how to lose gracefully.', ['sports']],

  // technology
  ['We are hiring a senior backend developer with Node.js, TypeScript and PostgreSQL experience.', ['technology']],
  ['Just deployed our first machine learning model to production. It predicts customer churn with 92% accuracy.', ['technology']],
  ['Cybersecurity tip: enable two-factor authentication on every account you can.', ['technology']],
  ['Moving our infrastructure to the cloud saved us 35% on server costs.', ['technology']],
  ['Finally earned my AWS Solutions Architect certification after months of study!', ['technology']],
  ['Open-source software runs the world. Contribute to a project this weekend.', ['technology']],

  // transportation
  ['Our logistics company is hiring truck drivers for interstate freight deliveries.', ['transportation']],
  ['The new light rail line will cut commuting time between the mainland and the island by half.', ['transportation']],
  ['Airline passengers should arrive three hours early due to new security checks at the airport.', ['transportation']],
  ['Port congestion is delaying container ships by up to two weeks.', ['transportation']],
  ['Ride-hailing drivers are protesting the new commission rates introduced by the apps.', ['transportation']],
  ['Fleet manager needed to oversee 80 delivery vans and optimise routing.', ['transportation']],

  // others: generic texts about no industry
  ['Happy Monday everyone! Let’s make this week count.', ['others']],
  ['Grateful for another year of life. Thank you all for the birthday wishes!', ['others']],
  ["Consistency beats motivation. Show up even when you don't feel like it.", ['others']],
  ['Throwback to when we all met for the first time. Good times!', ['others']],
  ['Looking forward to connecting with new people here. Feel free to say hi.', ['others']],
  ['Rainy days call for hot tea and a good book.', ['others']],

  // texts about two industries
  ['The premiere of her new film drew critics, reporters and TV crews to the red carpet.', ['entertainment', 'media']],
  ['Our agritech startup uses drones and satellite data to help farmers monitor their crops.', ['agriculture', 'technology']],
  [
    'A fintech app now lets bank customers open savings accounts and apply for loans in minutes from their phones.',
    ['banking', 'technology'],
  ],
  ['The Minister of Health announced a national vaccination campaign against measles.', ['government', 'health']],
  ['We are hiring data scientists to build AI tools that help doctors detect diseases from medical images.', ['health', 'technology']],
  ['The Ministry of Education will build 500 new classrooms and train 10,000 teachers this year.', ['education', 'government']],
  ['The football club signed a broadcast deal with a major TV network for all league matches.', ['media', 'sports']],
  ['Our e-commerce platform now partners with a logistics company for same-day delivery across Lagos.', ['commerce', 'transportation']],
  ['The Federal Ministry of Transportation has approved a new rail line linking Kano and Lagos.', ['government', 'transportation']],
  [
    'The new agro-processing factory will turn local tomatoes into paste, cutting post-harvest losses for farmers.',
    ['agriculture', 'manufacturing'],
  ],
  [
    'Coding bootcamp for secondary school students: learn Python and web development over the summer holidays.',
    ['education', 'technology'],
  ],
  ['Sports journalist wanted to cover the Premier League for our online newspaper.', ['media', 'sports']],
];

const key = (labels: readonly string[]) => [...labels].sort().join(',');

describe('the labelled set', () => {
  it('is large and varied enough to mean something', () => {
    expect(LABELLED.length).toBeGreaterThanOrEqual(70);
    for (const label of INDUSTRY_LABELS) {
      expect(LABELLED.filter(([, expected]) => expected.includes(label)).length, label).toBeGreaterThanOrEqual(4);
    }
    expect(LABELLED.filter(([, expected]) => expected.length === 2).length).toBeGreaterThanOrEqual(6);
    expect(new Set(LABELLED.map(([text]) => text)).size).toBe(LABELLED.length);
  });
});

describe('classifyIndustries on the labelled set', () => {
  const results = LABELLED.map(([text, expected]) => ({
    text,
    expected: key(expected),
    expectedLabels: expected,
    gotLabels: classifyIndustryLabels(text),
    got: classifyIndustries(text),
  }));
  const misses = results.filter((result) => result.got !== result.expected);
  const accuracy = (results.length - misses.length) / results.length;
  const recall = Object.fromEntries(
    INDUSTRY_LABELS.map((label) => {
      const relevant = results.filter((result) => result.expectedLabels.includes(label));
      const found = relevant.filter((result) => result.gotLabels.includes(label));
      return [label, relevant.length === 0 ? 1 : found.length / relevant.length];
    }),
  ) as Record<IndustryLabel, number>;

  /** The misses, grouped as "expected -> got", printed only when a figure is below its threshold. */
  function reportMisses() {
    const confusion = new Map<string, string[]>();
    for (const miss of misses) {
      const pair = `${miss.expected} -> ${miss.got}`;
      confusion.set(pair, [...(confusion.get(pair) ?? []), miss.text]);
    }
    const lines = [...confusion].map(([pair, texts]) => `  ${pair} (${texts.length})\n${texts.map((t) => `    - ${t}`).join('\n')}`);
    const recalls = INDUSTRY_LABELS.map((label) => `${label}=${recall[label].toFixed(2)}`).join(' ');
    console.log(
      `accuracy ${accuracy.toFixed(3)} (${results.length - misses.length}/${results.length})\nrecall ${recalls}\nmisses:\n${lines.join('\n')}`,
    );
  }

  it('matches the expected labels exactly on at least 85% of the texts', () => {
    if (accuracy < 0.85) reportMisses();
    expect(accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('finds at least 75% of the texts about each label', () => {
    const low = INDUSTRY_LABELS.filter((label) => recall[label] < 0.75);
    if (low.length > 0) reportMisses();
    expect(low).toEqual([]);
  });
});

describe('output format', () => {
  const known = new Set<string>(INDUSTRY_LABELS);
  const texts = [...LABELLED.map(([text]) => text), '', 'football bank hospital farm film news school software'];

  it('is alphabetical, comma-joined, free of duplicates, of known labels, with "others" only alone', () => {
    for (const text of texts) {
      const output = classifyIndustries(text);
      const labels = output.split(',');
      expect(labels.length).toBeGreaterThan(0);
      expect(
        labels.every((label) => known.has(label)),
        output,
      ).toBe(true);
      expect([...labels].sort(), output).toEqual(labels);
      expect(new Set(labels).size, output).toBe(labels.length);
      if (labels.includes('others')) expect(labels, output).toEqual(['others']);
      expect(classifyIndustryLabels(text).join(',')).toBe(output);
    }
  });

  it('lists the labels in alphabetical order', () => {
    expect([...INDUSTRY_LABELS].sort()).toEqual([...INDUSTRY_LABELS]);
  });
});

describe('edge cases', () => {
  it('is deterministic', () => {
    for (const [text] of LABELLED) {
      const first = classifyIndustries(text);
      for (let i = 0; i < 3; i++) expect(classifyIndustries(text)).toBe(first);
    }
  });

  it('answers "others" for empty, blank and generic text', () => {
    expect(classifyIndustries('')).toBe('others');
    expect(classifyIndustries('   \n\t  ')).toBe('others');
    expect(classifyIndustries('!!! ... ???')).toBe('others');
    expect(classifyIndustries('Happy Monday everyone!')).toBe('others');
  });

  it('ignores case and punctuation', () => {
    expect(classifyIndustries('FOOTBALL!!!')).toBe(classifyIndustries('football'));
    expect(classifyIndustries('football')).toBe('sports');
    expect(classifyIndustries('Machine-Learning, CLOUD & API work...')).toBe(classifyIndustries('machine learning cloud api work'));
    expect(classifyIndustries('“Real Estate” — HOSPITAL?')).toBe(classifyIndustries('real estate hospital'));
  });
});
