// Reads a JSON array of {secret, headers, body} on stdin and prints one line per item: "ok" when the
// Standard Webhooks reference library accepts the request, else "refused: <reason>".
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  for (const item of JSON.parse(input)) {
    try {
      new Webhook(item.secret).verify(item.body, item.headers);
      console.log("ok");
    } catch (e) {
      console.log("refused: " + String(e.message).replace(/\s+/g, " "));
    }
  }
});
