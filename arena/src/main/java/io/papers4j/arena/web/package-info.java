/**
 * The Arena web platform (Javalin): routes, battle sessions with SSE, leaderboard, moderation and
 * chat backends.
 */
package io.papers4j.arena.web;
