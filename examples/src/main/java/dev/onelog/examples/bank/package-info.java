/**
 * A bank account on the event store, small enough to read in one sitting: {@link Account} is the
 * aggregate (open, deposit, withdraw; a withdrawal may not overdraw, and the expected version makes
 * the rule hold against a concurrent writer), {@link Balances} is a projection writing a table in
 * the same file with exactly-once checkpoints, and {@link BankExample} runs them and saves a
 * snapshot. Run it, after {@code mvn -q package -DskipTests}:
 *
 * <pre>
 * java -cp cli/target/onelog.jar:examples/target/classes dev.onelog.examples.bank.BankExample bank.db
 * ./onelog --file bank.db events read account-alice
 * ./onelog --file bank.db projections list
 * </pre>
 *
 * <p>{@code BankExampleTest} runs it in the build and checks the balances table.
 */
package dev.onelog.examples.bank;
