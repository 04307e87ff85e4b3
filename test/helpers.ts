import { Chart, Testing } from 'cdk8s';
import { MeshPlatform } from '../src';

/** A fresh chart with `platform` applied (managed ASM, Regular channel, by default). */
export function meshChart(platform: MeshPlatform = MeshPlatform.asmManaged()): Chart {
  const chart = new Chart(Testing.app(), 'test');
  platform.applyTo(chart);
  return chart;
}
