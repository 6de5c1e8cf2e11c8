# Reference values from R's psych::alpha for tests/test_reliability.py.
#
# Run from the repository root:
#   Rscript tests/data/psych/make_reference.R
# It writes, next to this script:
#   bfi-agreeableness.csv, bfi-conscientiousness.csv  the input data (NA is blank)
#   reference.json                                     the values psych gives, full precision
# The tests do not run R; they read these files.

suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
})

here <- "tests/data/psych"
digits <- function(x) if (is.na(x)) "null" else sprintf("%.17g", x)
vec <- function(x) paste0("[", paste(vapply(x, digits, ""), collapse = ", "), "]")
str_json <- function(s) paste0('"', gsub('"', '\\\\"', s), '"')

# The scales, keyed as psych's own examples key them (help(bfi), help(alpha)).
scales <- list(
  list(name = "agreeableness", file = "bfi-agreeableness.csv",
       items = c("A1", "A2", "A3", "A4", "A5"), reverse = c("A1")),
  list(name = "conscientiousness", file = "bfi-conscientiousness.csv",
       items = c("C1", "C2", "C3", "C4", "C5"), reverse = c("C4", "C5"))
)

one_run <- function(x, keys, label, call) {
  a <- psych::alpha(x, keys = keys, warnings = FALSE)
  n_obs <- nrow(x)  # psych's alpha.ci is called with nsub <- dim(x)[1]
  paste0(
    "{",
    '"use": ', str_json(label), ", ",
    '"call": ', str_json(call), ", ",
    '"rows": ', nrow(x), ", ",
    '"n_obs": ', n_obs, ", ",
    '"raw_alpha": ', digits(a$total$raw_alpha), ", ",
    '"sd": ', digits(a$total$sd), ", ",
    '"r_drop": ', vec(a$item.stats$r.drop), ", ",
    '"item_n": ', vec(a$item.stats$n), ", ",
    '"item_mean": ', vec(a$item.stats$mean), ", ",
    '"alpha_drop": ', vec(a$alpha.drop$raw_alpha), ", ",
    '"feldt_lower": ', digits(a$feldt$lower.ci), ", ",
    '"feldt_upper": ', digits(a$feldt$upper.ci),
    "}"
  )
}

blocks <- c()
for (s in scales) {
  data <- psychTools::bfi[, s$items]
  write.csv(data, file.path(here, s$file), row.names = FALSE, na = "")
  keys <- ifelse(s$items %in% s$reverse, -1, 1)
  keyed <- paste0("c(", paste(keys, collapse = ", "), ")")
  pairwise <- one_run(data, keys, "pairwise",
    sprintf("psych::alpha(psychTools::bfi[, c(%s)], keys = %s)",
            paste0('"', s$items, '"', collapse = ", "), keyed))
  complete <- one_run(na.omit(data), keys, "complete",
    sprintf("psych::alpha(na.omit(psychTools::bfi[, c(%s)]), keys = %s)",
            paste0('"', s$items, '"', collapse = ", "), keyed))
  blocks <- c(blocks, paste0(
    str_json(s$name), ": {",
    '"file": ', str_json(s$file), ", ",
    '"items": [', paste0('"', s$items, '"', collapse = ", "), "], ",
    '"reverse": [', paste0('"', s$reverse, '"', collapse = ", "), "], ",
    '"runs": [', pairwise, ", ", complete, "]}"
  ))
}

# psych's n.obs with rows that answered nothing: the first 200 people's agreeableness
# items, with every item of 10 of them blanked. psych still counts those rows in nsub.
blank <- psychTools::bfi[1:200, c("A1", "A2", "A3", "A4", "A5")]
blank[c(3, 17, 40, 41, 77, 90, 123, 150, 151, 199), ] <- NA
write.csv(blank, file.path(here, "bfi-agreeableness-blank-rows.csv"), row.names = FALSE, na = "")
blank_run <- one_run(blank, c(-1, 1, 1, 1, 1), "pairwise",
  "psych::alpha(blank, keys = c(-1, 1, 1, 1, 1)), blank = the first 200 rows with rows 3, 17, 40, 41, 77, 90, 123, 150, 151 and 199 set to NA")
blocks <- c(blocks, paste0(
  '"agreeableness-blank-rows": {',
  '"file": "bfi-agreeableness-blank-rows.csv", ',
  '"items": ["A1", "A2", "A3", "A4", "A5"], "reverse": ["A1"], ',
  '"runs": [', blank_run, "]}"
))

# F quantiles, to test the inverse incomplete beta directly.
quantiles <- list(
  c(0.025, 9, 27), c(0.975, 9, 27), c(0.025, 1, 1), c(0.975, 1, 1), c(0.5, 2, 3),
  c(0.025, 2799, 11196), c(0.975, 2799, 11196), c(0.001, 4, 8), c(0.999, 4, 8),
  c(0.975, 29, 58), c(0.025, 29, 58), c(0.975, 199, 398), c(0.3, 3.5, 7.25)
)
qrows <- vapply(quantiles, function(q) paste0(
  '{"p": ', digits(q[1]), ', "df1": ', digits(q[2]), ', "df2": ', digits(q[3]),
  ', "q": ', digits(qf(q[1], q[2], q[3])), "}"), "")

# The issue's example: 10 people, 4 items, alpha 0.70.
example <- psych::alpha.ci(0.7, 10, 4)

provenance <- paste0(
  '"provenance": {',
  '"r": ', str_json(R.version.string), ", ",
  '"psych": ', str_json(as.character(packageVersion("psych"))), ", ",
  '"psychTools": ', str_json(as.character(packageVersion("psychTools"))), ", ",
  '"date": ', str_json(format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z", tz = "UTC")), ", ",
  '"command": "Rscript tests/data/psych/make_reference.R", ',
  '"data": "psychTools::bfi (2800 people, items scored 1 to 6), the columns of each scale as they are", ',
  '"n_obs": "psych::alpha calls alpha.ci(raw_alpha, nsub, nvar) with nsub <- dim(x)[1]: every row given, including rows with some or all items missing", ',
  '"floats": "sprintf(\\"%.17g\\")"',
  "}"
)

json <- paste0(
  "{\n", provenance, ",\n",
  '"scales": {\n', paste(blocks, collapse = ",\n"), "\n},\n",
  '"qf": [\n', paste(qrows, collapse = ",\n"), "\n],\n",
  '"example": {"alpha": 0.7, "n_obs": 10, "n_var": 4, "lower": ', digits(example$lower.ci),
  ', "upper": ', digits(example$upper.ci), "}\n}\n"
)
writeLines(json, file.path(here, "reference.json"))
