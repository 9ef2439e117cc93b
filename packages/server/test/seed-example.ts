/**
 * The provider page's curl example for text-to-video (gpt.ge "文生视频"), copied as it is printed there:
 *
 *     curl -X POST "https://api.gpt.ge/v1/videos" \
 *       -H "Content-Type: application/json" \
 *       -H "Authorization: Bearer $YOUR_TOKEN" \
 *       -d '{ "prompt": "一只凶猛的老虎…", "model": "sora-2", "seconds": "8", "size": "1280x720" }'
 *
 * as `curl` arguments for another URL and token (plus `-sS`: no progress meter, errors still shown).
 */
export function seedCurl(url: string, token: string): string[] {
  return [
    '-sS',
    '-X',
    'POST',
    url,
    '-H',
    'Content-Type: application/json',
    '-H',
    `Authorization: Bearer ${token}`,
    '-d',
    `{
    "prompt": "一只凶猛的老虎破门闯入农家小院,土狗吓得跑开,猫咪跳出来击败吓跑老虎。",
    "model": "sora-2",
    "seconds": "8",
    "size": "1280x720"
  }`,
  ];
}
